/// <reference types="vite-plugin-pwa/vanillajs" />
declare const __KESTREL_TILE_URL__: string;
// the build's version (package.json, or KESTREL_BUILD_ID at build time)
declare const __KESTREL_BUILD__: string;
