/**
 * Context the browser adds to every message: `page` (url, path, search, title, referrer and
 * `landing`, the first URL of this tab's visit), `screen`, `locale` and `timezone`.
 */
export function pageContext(landingKey = 'tributary.landing'): () => Readonly<Record<string, unknown>> {
  let landing: string | undefined;
  try {
    landing = sessionStorage.getItem(landingKey) ?? undefined;
    if (landing === undefined) {
      landing = location.href;
      sessionStorage.setItem(landingKey, landing);
    }
  } catch {
    landing = location.href;
  }
  const screenSize =
    typeof screen === 'undefined'
      ? undefined
      : { width: screen.width, height: screen.height, density: globalThis.devicePixelRatio };
  const locale = navigator.language;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return () => ({
    page: {
      url: location.href,
      path: location.pathname,
      search: location.search,
      title: document.title,
      referrer: document.referrer,
      landing,
    },
    ...(screenSize ? { screen: screenSize } : {}),
    locale,
    timezone,
  });
}
