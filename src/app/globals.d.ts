declare const __KESTREL_TILE_URL__: string;
