import { RenderMode, ServerRoute } from '@angular/ssr';

// Rendered per request (not prerendered at build time): the page shows the
// events the bridge holds when the request comes in.
export const serverRoutes: ServerRoute[] = [{ path: '**', renderMode: RenderMode.Server }];
