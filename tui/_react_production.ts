/**
 * Loads React's production build for the live dashboard: React, its JSX runtime and
 * react-reconciler (which Ink renders with) each choose their development build when they load
 * unless `NODE_ENV` is `production`. The development build keeps a debug stack and owner for
 * every element and checks each render twice over; with a thousand steps it took about a third
 * more memory and CPU. `dashboard_app.tsx` imports this module before Ink and React, so it runs
 * before they load. A `NODE_ENV` already set is kept (`NODE_ENV=development` for React's warnings).
 */
import process from "node:process";

process.env.NODE_ENV ??= "production";
