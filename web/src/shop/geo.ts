// Where to measure from when the browser will not say where the shopper is: People's Square, Shanghai.
const CITY_CENTRE = { lat: 31.2304, lng: 121.4737 };
const KEY = 'omniloop.shop.where';

export interface Where { lat: number; lng: number; exact: boolean }

/** The shopper's position (asked once per visit), or the city centre when it is not given. */
export function currentPosition(): Promise<Where> {
  const known = sessionStorage.getItem(KEY);
  if (known) return Promise.resolve(JSON.parse(known));
  return new Promise((resolve) => {
    const done = (w: Where) => {
      sessionStorage.setItem(KEY, JSON.stringify(w));
      resolve(w);
    };
    if (!navigator.geolocation) return done({ ...CITY_CENTRE, exact: false });
    navigator.geolocation.getCurrentPosition(
      (p) => done({ lat: p.coords.latitude, lng: p.coords.longitude, exact: true }),
      () => done({ ...CITY_CENTRE, exact: false }),
      { timeout: 4000 },
    );
  });
}
