"""The shared QR scanner's server side: what a page that includes ``core/scanner.html`` needs.

qr-scanner reads codes with the browser's own ``BarcodeDetector`` where there is one (Chrome
on Android, Safari on recent iPhones) and otherwise in a Web Worker that it makes from a
``blob:`` URL (its worker file exports the worker's source as a string; nothing else can load
it). The site's Content-Security-Policy allows workers from 'self' only, so a scanning page
adds ``blob:`` to ``worker-src`` for itself, and only there, with ``@scanner.page``. A blob:
worker can only be made by a script the page already runs (script-src stays 'self'), so this
opens nothing to other origins.
"""

from csp.decorators import csp_update

page = csp_update({"worker-src": ["blob:"]})
