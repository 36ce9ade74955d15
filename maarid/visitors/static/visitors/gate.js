/* Maarid gate app: counts people and checks tickets, with or without a network.
 *
 * Every tap of the counter is written to IndexedDB first, with a key made on the phone, then
 * sent in batches (at once when online, else when the network is back, on a timer, and when
 * the app opens); the server records each key once, so a batch sent three times counts once.
 *
 * A ticket's QR code carries a payload signed with the edition's Ed25519 key. Online, the
 * server admits it (once). Offline, the phone checks the signature itself with the public key
 * it was given (WebCrypto), refuses forged, other fairs', other days' and cancelled tickets,
 * remembers what it admitted, and sends its admissions when the network is back; a ticket that
 * another gate admitted in the meantime is reported to the organisers by the server.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const LANG = script.dataset.language;
  const T = JSON.parse(document.getElementById("gate-strings").textContent);
  const BATCH = 200;
  const RETRY_MS = 15000;
  const $ = (id) => document.getElementById(id);
  const server = MaaridOffline.client(script.dataset.api, LANG);

  let db;
  let state = null; // what GET gate answered
  let key = null; // the edition's public key, imported
  let direction = "in";

  // --- Storage -----------------------------------------------------------------------------

  function openStore() {
    return idb.openDB("maarid-gate", 1, {
      upgrade(database) {
        database.createObjectStore("meta");
        const counts = database.createObjectStore("counts", { keyPath: "key" });
        counts.createIndex("status", "status");
        const scans = database.createObjectStore("scans", { keyPath: "code" });
        scans.createIndex("status", "status");
      },
    });
  }

  /** The fair's day now, as YYYY-MM-DD. The server decides it: the phone keeps how far its
   * own clock is from the server's and the fair's offset from UTC (both from its last sync), so
   * a phone set to the wrong time or zone agrees with the server, offline too. The browser's
   * own time zone data is not used: Chromium's puts Casablanca at UTC+0 where the server's
   * (the IANA database) says UTC+1. */
  function fairDay() {
    if (!state || typeof state.utc_offset !== "number") return new Date().toISOString().slice(0, 10);
    return new Date(serverNow().getTime() + state.utc_offset * 1000).toISOString().slice(0, 10);
  }

  /** Now by the server's clock (as of the last sync): what the phone stamps counts and scans
   * with, so that they fall on the fair's day the server counts. */
  function serverNow() {
    return new Date(Date.now() + ((state && state.clock_offset) || 0));
  }

  function gateId() {
    return Number($("gate-gate").value) || null;
  }

  // --- The server's state -------------------------------------------------------------------

  async function refreshState() {
    if (!server.token || !navigator.onLine) return;
    let response;
    try {
      response = await server.call("gate");
    } catch (error) {
      return;
    }
    if (response.status === 401 || response.status === 403) {
      showMessage(T.revoked, "error");
      return;
    }
    if (!response.ok) return;
    state = await response.json();
    const serverNow = Date.parse(state.now);
    state.clock_offset = Number.isNaN(serverNow) ? 0 : serverNow - Date.now();
    await db.put("meta", state, "state");
    await importKey();
    render();
  }

  function unb64(text) {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  async function importKey() {
    key = null;
    if (!state || !window.crypto || !crypto.subtle) return;
    try {
      key = await crypto.subtle.importKey("raw", unb64(state.public_key), { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      key = null; // a browser without Ed25519: tickets are checked online only
    }
  }

  // --- Counting ------------------------------------------------------------------------------

  async function tap(amount) {
    const gate = gateId();
    if (!gate) return showMessage(T.noGate, "error");
    if (amount < 0 && localTotal(gate, direction) + amount < 0) {
      return showMessage(T.belowZero, "error");
    }
    const record = {
      key: crypto.randomUUID(),
      status: "pending",
      day: fairDay(),
      body: {
        key: null,
        gate,
        amount,
        direction,
        counted_at: serverNow().toISOString(),
        offline: !navigator.onLine,
      },
    };
    record.body.key = record.key;
    await db.put("counts", record); // first of all: the tap is safe on the phone
    tallies.push(record);
    renderCounter();
    sync();
  }

  let tallies = [];

  function localTotal(gate, dir) {
    const today = fairDay();
    return tallies
      .filter((r) => r.body.gate === gate && r.body.direction === dir && r.day === today && r.status !== "refused")
      .reduce((sum, r) => sum + r.body.amount, 0);
  }

  async function sendCounts(batch) {
    let response;
    try {
      response = await server.call("counts", {
        method: "POST",
        body: JSON.stringify({ counts: batch.map((r) => r.body) }),
      });
    } catch (error) {
      return false;
    }
    if (response.ok) {
      const { results } = await response.json();
      const byKey = new Map(batch.map((r) => [r.key, r]));
      for (const result of results) {
        const record = byKey.get(result.key);
        if (!record) continue;
        record.status = "sent";
        record.late = result.late;
        await db.put("counts", record);
      }
      return true;
    }
    if (response.status === 422) {
      const detail = (await response.json()).detail || {};
      let refused = 0;
      for (const [where, messages] of Object.entries(detail)) {
        const match = /^counts(?:\[(\d+)\]|\.(\d+))/.exec(where);
        const record = match ? batch[Number(match[1] ?? match[2])] : null;
        if (record) {
          record.status = "refused";
          record.error = [].concat(messages).join(" ");
          await db.put("counts", record);
          showMessage(T.refused + ": " + record.error, "error");
          refused += 1;
        }
      }
      return refused > 0;
    }
    if (response.status === 401 || response.status === 403) showMessage(T.revoked, "error");
    return false;
  }

  // --- Tickets -------------------------------------------------------------------------------

  function parse(payload) {
    const parts = payload.trim().split(".");
    if (parts.length !== 5 || parts[0] !== "M1") return null;
    const day = parts[3];
    return {
      edition: Number(parts[1]),
      code: parts[2],
      day: day.slice(0, 4) + "-" + day.slice(4, 6) + "-" + day.slice(6, 8),
      message: new TextEncoder().encode(parts.slice(0, 4).join(".")),
      signature: parts[4],
    };
  }

  /** The phone's own verdict, with no network: {status, message}. */
  async function checkOffline(payload) {
    const ticket = parse(payload);
    if (!ticket) return { status: "refused", message: T.unreadable };
    if (!state || ticket.edition !== state.edition) return { status: "refused", message: T.otherEdition };
    if (!key) return { status: "refused", message: T.offline };
    let genuine = false;
    try {
      genuine = await crypto.subtle.verify({ name: "Ed25519" }, key, unb64(ticket.signature), ticket.message);
    } catch (error) {
      genuine = false;
    }
    if (!genuine) return { status: "refused", message: T.forged };
    if (ticket.day !== fairDay()) return { status: "refused", message: T.wrongDay.replace("%(day)s", ticket.day) };
    if (state.revoked.includes(ticket.code)) return { status: "refused", message: T.cancelled };
    const mine = await db.get("scans", ticket.code);
    if (mine) {
      const time = new Date(mine.at).toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });
      return { status: "used", message: T.usedHere.replace("%(time)s", time) };
    }
    if (state.admitted.includes(ticket.code)) return { status: "used", message: T.used };
    await db.put("scans", {
      code: ticket.code,
      status: "pending",
      at: serverNow().toISOString(),
      body: { payload: payload.trim(), gate: gateId(), at: serverNow().toISOString(), offline: true },
    });
    renderQueue();
    return { status: "admitted", message: T.offlineAdmitted, code: ticket.code };
  }

  async function scan(payload) {
    payload = payload.trim();
    if (!payload) return;
    let verdict = null;
    if (navigator.onLine && server.token) {
      try {
        const response = await server.call("checkin", {
          method: "POST",
          body: JSON.stringify({ payload, gate: gateId() }),
        });
        if (response.ok) {
          const answer = await response.json();
          verdict = {
            status: answer.status,
            message: answer.status === "admitted" ? T.admitted : answer.message,
            holder: answer.holder,
            type: answer.ticket_type,
          };
          if (answer.status === "admitted") {
            await db.put("scans", { code: answer.code, status: "sent", at: answer.at });
          }
        } else if (response.status === 401 || response.status === 403) {
          showMessage(T.revoked, "error");
        }
      } catch (error) {
        verdict = null; // no answer: the phone decides
      }
    }
    if (!verdict) verdict = await checkOffline(payload);
    showVerdict(verdict);
  }

  async function sendScans(batch) {
    let response;
    try {
      response = await server.call("checkin/sync", {
        method: "POST",
        body: JSON.stringify({ scans: batch.map((r) => r.body) }),
      });
    } catch (error) {
      return false;
    }
    if (!response.ok) return false;
    const { results } = await response.json();
    for (let i = 0; i < batch.length; i++) {
      batch[i].status = "sent";
      batch[i].result = results[i] ? results[i].status : "";
      await db.put("scans", batch[i]);
    }
    return true;
  }

  // --- Sync ----------------------------------------------------------------------------------

  async function pending(store) {
    return (await db.getAllFromIndex(store, "status", "pending")).slice(0, BATCH);
  }

  async function sync() {
    if (!server.token) return;
    await MaaridOffline.drain("maarid-gate-counts", () => pending("counts"), sendCounts);
    await MaaridOffline.drain("maarid-gate-scans", () => pending("scans"), sendScans);
    await renderQueue();
  }

  // --- Drawing -------------------------------------------------------------------------------

  function render() {
    $("gate-pair").hidden = Boolean(server.token && state);
    $("gate-work").hidden = !(server.token && state);
    if (!state) return;
    $("gate-device").textContent = state.name + " · " + state.edition_name;
    const select = $("gate-gate");
    const chosen = select.value || localStorage.getItem("maarid-gate") || state.gate || "";
    select.replaceChildren();
    for (const gate of state.gates) {
      const option = document.createElement("option");
      option.value = gate.id;
      option.textContent = gate.name;
      select.append(option);
    }
    if (chosen) select.value = String(chosen);
    renderDirection();
    renderCounter();
  }

  function renderDirection() {
    const gate = state && state.gates.find((g) => g.id === gateId());
    const exits = Boolean(gate && gate.counts_exits);
    $("gate-direction").hidden = !exits;
    if (!exits) direction = "in";
    for (const button of document.querySelectorAll("[data-direction]")) {
      button.setAttribute("aria-pressed", String(button.dataset.direction === direction));
    }
  }

  function renderCounter() {
    const gate = gateId();
    $("gate-count").textContent = gate ? localTotal(gate, direction) : 0;
  }

  async function renderQueue() {
    const waiting =
      (await db.countFromIndex("counts", "status", "pending")) +
      (await db.countFromIndex("scans", "status", "pending"));
    $("gate-unsent").hidden = waiting === 0;
    $("gate-unsent-count").textContent = waiting;
  }

  function renderNetwork() {
    const online = navigator.onLine;
    $("gate-network").textContent = online ? T.online : T.offline;
    $("gate-network").classList.toggle("off", !online);
  }

  function showVerdict(verdict) {
    const box = $("gate-verdict");
    box.className = "gate-verdict " + verdict.status;
    box.hidden = false;
    $("gate-verdict-title").textContent =
      verdict.status === "admitted" ? T.admitted : verdict.status === "used" ? T.used : T.notAdmitted;
    $("gate-verdict-message").textContent = verdict.message || "";
    $("gate-verdict-holder").textContent = [verdict.holder, verdict.type].filter(Boolean).join(" · ");
  }

  let messageTimer;
  function showMessage(text, kind = "") {
    const box = $("gate-message");
    box.textContent = text;
    box.className = "gate-message " + kind;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => (box.textContent = ""), 8000);
  }

  // --- Start ---------------------------------------------------------------------------------

  async function pair(raw) {
    server.setToken(raw.trim());
    await db.put("meta", server.token, "token");
    await refreshState();
    if (!state) {
      await db.delete("meta", "token");
      server.setToken(null);
      $("gate-pair-error").textContent = T.notPaired;
    }
  }

  function showTab(name) {
    for (const tab of document.querySelectorAll("[data-tab]")) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    }
    $("gate-counter").hidden = name !== "count";
    $("gate-tickets").hidden = name !== "tickets";
  }

  async function start() {
    db = await openStore();
    server.setToken((await db.get("meta", "token")) || null);
    state = (await db.get("meta", "state")) || null;
    tallies = await db.getAll("counts");
    await importKey();
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("pair")) {
      history.replaceState(null, "", location.pathname);
      await pair(hash.get("pair"));
    }
    renderNetwork();
    render();
    await renderQueue();

    $("gate-pair-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      await pair($("gate-token").value);
      render();
    });
    for (const button of document.querySelectorAll("[data-amount]")) {
      button.addEventListener("click", () => tap(Number(button.dataset.amount)));
    }
    for (const button of document.querySelectorAll("[data-direction]")) {
      button.addEventListener("click", () => {
        direction = button.dataset.direction;
        renderDirection();
        renderCounter();
      });
    }
    for (const tab of document.querySelectorAll("[data-tab]")) {
      tab.addEventListener("click", () => showTab(tab.dataset.tab));
    }
    $("gate-gate").addEventListener("change", () => {
      localStorage.setItem("maarid-gate", $("gate-gate").value);
      renderDirection();
      renderCounter();
    });
    // The shared scanner (core/scanner.html) sends each code it reads, from the camera or
    // typed, as a "maarid:scan" event: the page takes it and checks the ticket.
    document.addEventListener("maarid:scan", async (event) => {
      event.preventDefault();
      await scan(event.detail.text);
      const field = $("gate-code");
      if (field) field.value = "";
    });
    $("gate-unsent").addEventListener("click", sync);
    window.addEventListener("online", async () => {
      renderNetwork();
      await sync();
      await refreshState();
    });
    window.addEventListener("offline", renderNetwork);
    setInterval(async () => {
      await sync();
      await refreshState();
    }, RETRY_MS);

    await sync();
    await refreshState();
    render();
    document.body.dataset.ready = "1";
    MaaridOffline.install(
      "maarid-gate-v1",
      script.dataset.worker,
      script.dataset.scope,
      (script.dataset.offlineFiles || "").split(" ").filter(Boolean)
    );
  }

  start();
})();
