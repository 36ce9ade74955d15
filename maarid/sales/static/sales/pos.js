/* Maarid sales app: sells with or without a network.
 *
 * Every sale is written to IndexedDB before anything else, with a UUID and a receipt number
 * made on the phone, so that nothing is lost when the network drops. It is then sent to the
 * server at once when online; otherwise it waits in the queue, which is sent in batches when
 * the browser says it is back online, on a timer, and when the app opens. The server records
 * each UUID once, so a sale sent twice (a lost answer, two open tabs) still counts once.
 * Money is handled in whole centimes and sent as decimal strings: no floating point.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const API = script.dataset.api;
  const LANG = script.dataset.language;
  const T = JSON.parse(document.getElementById("pos-strings").textContent);
  const CACHE = "maarid-pos-v1";
  const BATCH = 50;
  const RETRY_MS = 20000;
  const TIMEOUT_MS = 10000;
  const $ = (id) => document.getElementById(id);

  let db;
  let token = null;
  let device = null; // what GET device answered: the exhibitor, products, payments
  let cart = []; // {product, name, unit (centimes), quantity}
  let syncing = false;

  // --- Money in centimes -------------------------------------------------------------------

  function parseCentimes(text) {
    const value = String(text || "").trim().replace(",", ".");
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(value)) return null;
    const [whole, fraction = ""] = value.split(".");
    return Number(whole) * 100 + Number((fraction + "00").slice(0, 2));
  }

  function signedCentimes(text) {
    const negative = String(text).startsWith("-");
    const value = parseCentimes(negative ? String(text).slice(1) : text);
    return value !== null && negative ? -value : value;
  }

  function decimal(centimes) {
    const sign = centimes < 0 ? "-" : "";
    const abs = Math.abs(centimes);
    return sign + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
  }

  const formatter = new Intl.NumberFormat(LANG + "-MA", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    numberingSystem: "latn",
  });
  function money(centimes) {
    // Formatting divides for display only; the amounts themselves stay whole centimes.
    return formatter.format(centimes / 100) + " MAD";
  }

  // --- Storage -----------------------------------------------------------------------------

  async function openStore() {
    return idb.openDB("maarid-pos", 1, {
      upgrade(database) {
        database.createObjectStore("meta");
        const sales = database.createObjectStore("sales", { keyPath: "uuid" });
        sales.createIndex("status", "status");
        sales.createIndex("created", "created");
      },
    });
  }

  /** The next receipt number of this phone, taken atomically (two tabs never share one). */
  async function nextSequence() {
    const tx = db.transaction("meta", "readwrite");
    const next = ((await tx.store.get("sequence")) || 0) + 1;
    await tx.store.put(next, "sequence");
    await tx.done;
    return next;
  }

  async function raiseSequence(atLeast) {
    const tx = db.transaction("meta", "readwrite");
    const current = (await tx.store.get("sequence")) || 0;
    if (atLeast > current) await tx.store.put(atLeast, "sequence");
    await tx.done;
  }

  // --- The server --------------------------------------------------------------------------

  async function api(path, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(API + path, {
        ...options,
        signal: controller.signal,
        cache: "no-store",
        headers: {
          Authorization: "Bearer " + token,
          "Content-Type": "application/json",
          "Accept-Language": LANG,
        },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function refreshDevice() {
    if (!token || !navigator.onLine) return;
    let response;
    try {
      response = await api("device");
    } catch (error) {
      return; // offline: keep what is stored
    }
    if (response.status === 401 || response.status === 403) {
      showMessage(T.revoked, true);
      return;
    }
    if (!response.ok) return;
    device = await response.json();
    await db.put("meta", device, "device");
    showToday();
    await raiseSequence(device.last_sequence);
    // What is still in the queue was sold but is not in the server's stock figures yet.
    for (const sale of await pending()) takeFromShelf(sale.body.lines);
    renderProducts();
    renderHeader();
  }

  /** The stand's day so far, as the server counts it (sales sent from every device; the
   *  fair's day is the server's, whatever the phone's clock or zone says). */
  async function showToday() {
    try {
      const response = await api("device/today");
      if (!response.ok) return;
      const today = await response.json();
      $("pos-today").textContent = T.today
        .replace("%(sales)s", today.sales)
        .replace("%(total)s", money(signedCentimes(today.total)));
    } catch (error) {
      // offline: the figure stays as it was
    }
  }

  // --- Selling -----------------------------------------------------------------------------

  function receiptNumber(sequence) {
    return (
      String(device.exhibitor).padStart(3, "0") +
      "-" + device.device + "-" + String(sequence).padStart(4, "0")
    );
  }

  function cartTotals() {
    const subtotal = cart.reduce((sum, line) => sum + line.unit * line.quantity, 0);
    const discount = parseCentimes($("pos-discount").value || "0");
    return { subtotal, discount, total: discount === null ? null : subtotal - discount };
  }

  async function confirmSale() {
    if (!cart.length) return showMessage(T.emptyCart, true);
    const totals = cartTotals();
    if (totals.discount === null || totals.total < 0) {
      return showMessage($("pos-discount").validationMessage || T.error, true);
    }
    const sequence = await nextSequence();
    const body = {
      uuid: crypto.randomUUID(),
      sequence,
      payment: document.querySelector("input[name=payment]:checked").value,
      lines: cart.map((line) =>
        line.product
          ? { product: line.product, quantity: line.quantity, unit_price: decimal(line.unit) }
          : { label: line.name, quantity: line.quantity, unit_price: decimal(line.unit) }
      ),
      discount: decimal(totals.discount),
      total: decimal(totals.total),
      buyer_phone: $("pos-phone").value.trim(),
      language: $("pos-language").value,
      offline: !navigator.onLine,
      device_clock: new Date().toISOString(),
    };
    const record = {
      uuid: body.uuid,
      body,
      status: "pending",
      number: receiptNumber(sequence),
      total: totals.total,
      created: Date.now(),
    };
    await db.put("sales", record); // first of all: the sale is safe on the phone
    if (!body.offline) {
      const outcome = await sendOne(record);
      if (outcome === "refused") return; // not sold: the cart stays for the seller to fix
    }
    takeFromShelf(body.lines);
    await db.put("meta", device, "device"); // the shelf as it is now, for a restart offline
    if (record.status === "sent") showToday();
    clearCart();
    showMessage(record.status === "sent" ? T.saleSaved + " — " + record.number : T.saleQueued);
    await renderQueue();
    renderProducts();
  }

  /** Sends a sale made online. Returns "sent", "refused" (out of stock, invalid) or "queued". */
  async function sendOne(record) {
    let response;
    try {
      response = await api("sales", { method: "POST", body: JSON.stringify(record.body) });
    } catch (error) {
      return queueOffline(record);
    }
    if (response.status === 200 || response.status === 201) {
      await markSent(record, await response.json());
      return "sent";
    }
    if (response.status === 409 || response.status === 422) {
      await db.delete("sales", record.uuid); // the server said no: the sale did not happen
      showMessage(explain(await response.json()), true);
      return "refused";
    }
    if (response.status === 401 || response.status === 403) showMessage(T.revoked, true);
    return queueOffline(record);
  }

  /** No answer: the customer has paid, so the sale stands, to be synced like an offline one. */
  async function queueOffline(record) {
    record.body.offline = true;
    await db.put("sales", record);
    return "queued";
  }

  async function markSent(record, result) {
    record.status = "sent";
    record.number = result.number;
    record.receipt = result.receipt;
    record.oversold = result.oversold;
    await db.put("sales", record);
  }

  function explain(answer) {
    const detail = answer && answer.detail;
    if (typeof detail === "string") return detail;
    if (detail && typeof detail === "object") {
      return Object.values(detail).flat().join(" ");
    }
    return T.error;
  }

  function takeFromShelf(lines) {
    if (!device) return;
    for (const line of lines) {
      const product = device.products.find((p) => p.id === line.product);
      if (product && product.left !== null) product.left -= line.quantity;
    }
  }

  // --- The queue ---------------------------------------------------------------------------

  async function pending() {
    const records = await db.getAllFromIndex("sales", "status", "pending");
    return records.sort((a, b) => a.created - b.created);
  }

  /** Sends the queue in batches. One tab at a time (Web Locks); the server dedupes anyway. */
  async function syncNow() {
    if (!token || !navigator.onLine || syncing) return;
    const run = async () => {
      syncing = true;
      try {
        for (;;) {
          const batch = (await pending()).slice(0, BATCH);
          if (!batch.length) break;
          if (!(await sendBatch(batch))) break;
        }
      } finally {
        syncing = false;
        await renderQueue();
      }
    };
    if (navigator.locks) await navigator.locks.request("maarid-pos-sync", run);
    else await run();
  }

  async function sendBatch(batch) {
    let response;
    try {
      response = await api("sync", {
        method: "POST",
        body: JSON.stringify({ sales: batch.map((r) => r.body) }),
      });
    } catch (error) {
      return false; // still offline: the timer or the online event tries again
    }
    if (response.ok) {
      const { results } = await response.json();
      const byUuid = new Map(batch.map((r) => [r.uuid, r]));
      for (const result of results) {
        const record = byUuid.get(result.uuid);
        if (record) await markSent(record, result);
      }
      return true;
    }
    if (response.status === 422) {
      // Some sales cannot be recorded as they are: they are set aside, shown, not resent.
      const detail = (await response.json()).detail || {};
      let refused = 0;
      for (const [key, messages] of Object.entries(detail)) {
        // "sales[3]" (a rule) or "sales.3.lines.0.quantity" (a malformed field).
        const match = /^sales(?:\[(\d+)\]|\.(\d+))/.exec(key);
        const record = match ? batch[Number(match[1] ?? match[2])] : null;
        if (record) {
          record.status = "refused";
          record.error = [].concat(messages).join(" ");
          await db.put("sales", record);
          refused += 1;
        }
      }
      return refused > 0;
    }
    if (response.status === 401 || response.status === 403) showMessage(T.revoked, true);
    return false;
  }

  // --- Drawing -----------------------------------------------------------------------------

  function productName(product) {
    const name = LANG === "ar" ? product.name_ar || product.name_fr : product.name_fr || product.name_ar;
    return name || "#" + product.id;
  }

  function renderHeader() {
    if (!device) return;
    $("pos-exhibitor").textContent = device.organisation;
    $("pos-device").textContent = device.name + " · " + device.edition;
    // The booth number, for who looks for the stand (a device stored before it was sent: none).
    const booth = $("pos-booth");
    if (booth) {
      booth.hidden = !device.booth;
      $("pos-booth-number").textContent = device.booth || "";
    }
  }

  function renderProducts() {
    const list = $("pos-products");
    const filter = $("pos-filter").value.trim().toLowerCase();
    list.replaceChildren();
    for (const product of device ? device.products : []) {
      const name = productName(product);
      if (filter && !(product.name_ar + " " + product.name_fr).toLowerCase().includes(filter)) continue;
      const item = $("pos-product").content.cloneNode(true);
      const button = item.querySelector("button");
      item.querySelector(".name").textContent = name;
      item.querySelector(".price").textContent =
        product.price === null ? T.free : money(parseCentimes(product.price));
      if (product.left !== null) {
        item.querySelector(".left").textContent = product.left + " " + T.left;
        if (product.left <= 0) button.classList.add("out");
      }
      button.addEventListener("click", () => addToCart(product));
      list.append(item);
    }
  }

  function addToCart(product) {
    const line = cart.find((l) => l.product === product.id);
    if (line) line.quantity += 1;
    else {
      cart.push({
        product: product.id,
        name: productName(product),
        unit: product.price === null ? 0 : parseCentimes(product.price),
        quantity: 1,
      });
    }
    renderCart();
  }

  function renderCart() {
    const list = $("pos-lines");
    list.replaceChildren();
    cart.forEach((line, index) => {
      const item = $("pos-line").content.cloneNode(true);
      item.querySelector(".name").textContent = line.name;
      item.querySelector(".qty").textContent = line.quantity;
      const price = item.querySelector(".price");
      price.value = decimal(line.unit);
      price.addEventListener("change", () => {
        const unit = parseCentimes(price.value);
        if (unit === null) price.value = decimal(line.unit);
        else line.unit = unit;
        renderCart();
      });
      item.querySelector(".total").textContent = money(line.unit * line.quantity);
      item.querySelector(".minus").addEventListener("click", () => {
        line.quantity -= 1;
        if (line.quantity <= 0) cart.splice(index, 1);
        renderCart();
      });
      item.querySelector(".plus").addEventListener("click", () => {
        line.quantity += 1;
        renderCart();
      });
      list.append(item);
    });
    $("pos-empty").hidden = cart.length > 0;
    const totals = cartTotals();
    $("pos-total").textContent = totals.total === null ? "—" : money(totals.total);
  }

  function clearCart() {
    cart = [];
    $("pos-discount").value = "0";
    $("pos-phone").value = "";
    renderCart();
  }

  async function renderQueue() {
    const waiting = (await pending()).length;
    $("pos-unsent").hidden = waiting === 0;
    $("pos-unsent-count").textContent = waiting;
    const all = await db.getAllFromIndex("sales", "created");
    const history = $("pos-history");
    history.replaceChildren();
    for (const record of all.reverse().slice(0, 20)) {
      const item = document.createElement("li");
      item.className = "pos-sale " + record.status;
      item.dataset.uuid = record.uuid;
      const number = document.createElement(record.receipt ? "a" : "span");
      number.textContent = record.number;
      number.dir = "ltr";
      // The receipt on this server (the link itself names the public address, for sharing).
      const receipt = record.receipt ? new URL(record.receipt).pathname : null;
      if (receipt) number.href = receipt;
      const total = document.createElement("span");
      total.textContent = money(record.total);
      total.dir = "ltr";
      const status = document.createElement("span");
      status.className = "badge";
      status.textContent =
        record.status === "sent" ? (record.oversold ? T.oversold : T.sent)
        : record.status === "refused" ? T.refused + ": " + record.error
        : T.pending;
      item.append(number, " ", total, " ", status);
      if (receipt) {
        const qr = document.createElement("a");
        qr.className = "pos-qr";
        qr.href = receipt + "qr.svg";
        qr.target = "_blank";
        qr.textContent = T.qr;
        item.append(" ", qr);
      }
      history.append(item);
    }
  }

  function renderNetwork() {
    const online = navigator.onLine;
    $("pos-network").textContent = online ? T.online : T.offline;
    $("pos-network").classList.toggle("off", !online);
  }

  let messageTimer;
  function showMessage(text, isError = false) {
    const box = $("pos-message");
    box.textContent = text;
    box.classList.toggle("error", isError);
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => (box.textContent = ""), 8000);
  }

  // --- Pairing and start -------------------------------------------------------------------

  async function pair(raw) {
    token = raw.trim();
    await db.put("meta", token, "token");
    await refreshDevice();
    if (!device) {
      await db.delete("meta", "token");
      token = null;
      $("pos-pair-error").textContent = T.notPaired;
      return false;
    }
    return true;
  }

  function showScreen() {
    $("pos-pair").hidden = Boolean(token && device);
    $("pos-sell").hidden = !(token && device);
  }

  /** Keeps the app's page and files in the cache so that it opens with no network. */
  async function installOffline() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(script.dataset.worker, { scope: script.dataset.scope });
      const urls = [script.dataset.scope];
      document
        .querySelectorAll("link[rel=stylesheet], link[rel=manifest], link[rel=icon], script[src]")
        .forEach((el) => urls.push(new URL(el.href || el.src, location.href).pathname));
      const cache = await caches.open(CACHE);
      await cache.addAll(urls);
      // Files of an older version of the app are dropped; other languages' pages are kept.
      for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        if (path.startsWith("/static/") && !urls.includes(path)) await cache.delete(request);
      }
    } catch (error) {
      // No service worker (a private window, an old phone): the app still sells while open.
    }
  }

  async function start() {
    db = await openStore();
    token = (await db.get("meta", "token")) || null;
    device = (await db.get("meta", "device")) || null;
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("pair")) {
      history.replaceState(null, "", location.pathname);
      await pair(hash.get("pair"));
    }
    renderNetwork();
    renderHeader();
    renderProducts();
    renderCart();
    await renderQueue();
    showScreen();

    $("pos-pair-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await pair($("pos-token").value)) showScreen();
    });
    $("pos-filter").addEventListener("input", renderProducts);
    $("pos-discount").addEventListener("input", renderCart);
    $("pos-confirm").addEventListener("click", confirmSale);
    $("pos-unsent").addEventListener("click", syncNow);
    $("pos-free-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      const unit = parseCentimes(form.amount.value);
      if (unit === null || unit <= 0 || !form.label.value.trim()) return;
      cart.push({ product: null, name: form.label.value.trim(), unit, quantity: 1 });
      form.reset();
      renderCart();
    });
    window.addEventListener("online", async () => {
      renderNetwork();
      await syncNow();
      await refreshDevice();
    });
    window.addEventListener("offline", renderNetwork);
    setInterval(syncNow, RETRY_MS);

    await syncNow();
    await refreshDevice();
    showScreen();
    installOffline();
  }

  start();
})();
