import { defineEvent, definePlan } from '@tributary/schema';
import { z } from 'zod';

/** A plan that breaks the naming rule: the CLI must report the event, the path and the rule. */
const signUp = defineEvent({ name: 'sign_up', version: 1, properties: z.object({ userName: z.string() }) });

export default definePlan({ name: 'bad', events: [signUp] });
