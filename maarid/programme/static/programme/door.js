/* Maarid door app: a volunteer's phone checks people in at a session, with or without a network.
 *
 * Every check-in (a scanned QR code, a typed code, a ticked name, a walk-in) is written to
 * IndexedDB first, with a key made on the phone, then sent: at once when online, else when the
 * network is back, on a timer and when the app opens. The server counts a key once, so a
 * check-in sent three times counts once. The phone keeps the session's list (codes and names)
 * for offline use and remembers whom it let in, so it says "already checked in at 10:42"
 * without a network too; the server has the last word when the check-in reaches it.
 *
 * The pieces shared with the sales and gate apps come from sales/offline.js (MaaridOffline:
 * the API client with the device token, the queue's drain, the service worker's install).
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const LANG = script.dataset.language;
  const T = JSON.parse(document.getElementById("door-strings").textContent);
  const BATCH = 20;
  const RETRY_MS = 15000;
  const ALPHABET = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;
  const $ = (id) => document.getElementById(id);
  const server = MaaridOffline.client(script.dataset.api, LANG);

  let db;
  let state = null; // what GET door answered
  let people = new Map(); // code → {code, name, status, checked_in_at} of the chosen session

  // --- Storage -----------------------------------------------------------------------------

  function openStore() {
    return idb.openDB("maarid-door", 1, {
      upgrade(database) {
        database.createObjectStore("meta");
        database.createObjectStore("lists", { keyPath: "session" });
        const checkins = database.createObjectStore("checkins", { keyPath: "key" });
        checkins.createIndex("status", "status");
        checkins.createIndex("session_code", ["session", "code"]);
      },
    });
  }

  /** The fair's clock (Casablanca's) for a moment, whatever the phone's zone: the offset is
   * the one the server gave with its time (browsers' zone data for Morocco disagree). */
  function clock(iso) {
    const match = /([+-])(\d\d):(\d\d)$/.exec((state && state.now) || "");
    const offset = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 60;
    const local = new Date(new Date(iso).getTime() + offset * 60000);
    const two = (n) => String(n).padStart(2, "0");
    return `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? values[name] : whole));
  }

  /** The code a scan or a typing names: the 8 letters of a typed code, or those a QR code
   * carries ("MRDP1:CODE:signature", checked by the server); "" when it cannot be told. */
  function codeOf(text) {
    const parts = text.split(":");
    const raw = parts.length >= 3 && parts[0] === "MRDP1" ? parts[1] : text;
    const code = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    return ALPHABET.test(code) ? code : "";
  }

  function sessionId() {
    return Number($("door-session").value) || null;
  }

  // --- The server's state -------------------------------------------------------------------

  async function refreshState() {
    if (!server.token || !navigator.onLine) return;
    let response;
    try {
      response = await server.call("door");
    } catch (error) {
      return;
    }
    if (response.status === 401 || response.status === 403) {
      showMessage(T.revoked, "error");
      return;
    }
    if (!response.ok) return;
    state = await response.json();
    await db.put("meta", state, "state");
    render();
  }

  async function refreshList() {
    const session = sessionId();
    if (!session) return;
    if (server.token && navigator.onLine) {
      try {
        const response = await server.call(`sessions/${session}/door-list`);
        if (response.ok) {
          await db.put("lists", { session, people: await response.json(), at: Date.now() });
        }
      } catch (error) {
        // keep the list this phone has
      }
    }
    const kept = await db.get("lists", session);
    people = new Map((kept ? kept.people : []).map((p) => [p.code, p]));
    await renderList();
  }

  // --- Checking in ---------------------------------------------------------------------------

  function newRecord(session, body, code, name) {
    const key = crypto.randomUUID();
    return {
      key,
      session,
      code,
      name,
      status: "pending",
      at: new Date().toISOString(),
      body: { key, at: new Date().toISOString(), offline: !navigator.onLine, ...body },
    };
  }

  /** Sends one check-in. Returns the verdict, or null when the server could not be reached
   * (the record stays queued). */
  async function send(record) {
    let response;
    try {
      response = await server.call(`sessions/${record.session}/check-ins`, {
        method: "POST",
        body: JSON.stringify(record.body),
      });
    } catch (error) {
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      showMessage(T.revoked, "error");
      return null;
    }
    if (response.status >= 500 || response.status === 429) return null;
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    let verdict;
    if (response.ok) {
      const already = answer.outcome === "already";
      record.status = already ? "already" : "sent";
      record.name = answer.name || record.name;
      record.message = answer.message || "";
      verdict = {
        kind: already ? "already" : "ok",
        name: record.name,
        message: record.message,
      };
      const person = people.get(record.code);
      if (person && !person.checked_in_at) person.checked_in_at = answer.at;
    } else {
      const detail = answer.detail;
      const message =
        typeof detail === "string"
          ? detail
          : Object.values(detail || {})
              .flat()
              .join(" ");
      record.status = "refused";
      record.message = message;
      verdict = { kind: "refused", name: record.name, message };
    }
    await db.put("checkins", record);
    return verdict;
  }

  async function admit(record, offlineVerdict) {
    await db.put("checkins", record); // first of all: the check-in is safe on the phone
    let verdict = null;
    if (navigator.onLine && server.token) verdict = await send(record);
    if (!verdict) verdict = offlineVerdict;
    showVerdict(verdict);
    await renderQueue();
    await renderList();
    renderLog();
  }

  async function scan(text) {
    text = (text || "").trim();
    if (!text) return;
    const session = sessionId();
    if (!session) return showVerdict({ kind: "refused", message: T.chooseSession });
    const code = codeOf(text);
    const looksLikeQr = text.includes(":");
    if (!code && !looksLikeQr) return showVerdict({ kind: "refused", message: T.notACode });
    const person = code ? people.get(code) : null;
    const mine = code ? await db.getFromIndex("checkins", "session_code", [session, code]) : null;
    if (mine && mine.status !== "refused") {
      return showVerdict({
        kind: "already",
        name: mine.name || (person && person.name),
        message: fill(T.alreadyAt, { time: clock(mine.at) }),
      });
    }
    if (person && person.checked_in_at) {
      return showVerdict({
        kind: "already",
        name: person.name,
        message: fill(T.alreadyAt, { time: clock(person.checked_in_at) }),
      });
    }
    const record = newRecord(session, { code: text }, code, person ? person.name : "");
    const offline = person
      ? {
          kind: "ok",
          name: person.name,
          message: [person.status === "waiting" ? T.waiting : "", T.queued].filter(Boolean).join(" "),
        }
      : { kind: "queued", name: "", message: T.unknownOffline };
    await admit(record, offline);
  }

  async function walkIn(event) {
    event.preventDefault();
    const session = sessionId();
    if (!session) return showVerdict({ kind: "refused", message: T.chooseSession });
    const name = $("door-walk-name").value.trim();
    if (!name) return;
    const body = {
      name,
      phone: $("door-walk-phone").value.trim(),
      past_capacity: $("door-walk-past").checked,
    };
    const record = newRecord(session, body, "", name);
    await admit(record, { kind: "ok", name, message: T.queued });
    event.target.reset();
  }

  // --- Sync ----------------------------------------------------------------------------------

  async function pending() {
    return (await db.getAllFromIndex("checkins", "status", "pending")).slice(0, BATCH);
  }

  async function sendBatch(batch) {
    for (const record of batch) {
      const verdict = await send(record);
      if (!verdict) return false; // no network yet: try again later
      record.later = true;
      await db.put("checkins", record);
    }
    return true;
  }

  async function sync() {
    if (!server.token) return;
    await MaaridOffline.drain("maarid-door-checkins", pending, sendBatch);
    await renderQueue();
    renderLog();
  }

  // --- Drawing -------------------------------------------------------------------------------

  function render() {
    const paired = Boolean(server.token && state);
    $("door-pair").hidden = paired;
    $("door-work").hidden = !paired;
    if (!state) return;
    $("door-device").textContent = state.name + " · " + state.edition_name;
    const select = $("door-session");
    const chosen = select.value || localStorage.getItem("maarid-door-session") || "";
    select.replaceChildren();
    const now = Date.now();
    let next = "";
    for (const session of state.sessions) {
      const option = document.createElement("option");
      option.value = session.id;
      const day = session.starts_at.slice(0, 10);
      option.textContent = `${day} ${clock(session.starts_at)} · ${session.title} · ${session.room}`;
      select.append(option);
      if (!next && new Date(session.ends_at).getTime() > now) next = String(session.id);
    }
    const known = state.sessions.some((s) => String(s.id) === chosen);
    select.value = known ? chosen : next || (state.sessions[0] ? String(state.sessions[0].id) : "");
  }

  async function renderList() {
    const session = sessionId();
    const list = $("door-list");
    list.replaceChildren();
    let checked = 0;
    const mine = session
      ? await db.getAllFromIndex("checkins", "session_code", IDBKeyRange.bound([session, ""], [session, "\uffff"]))
      : [];
    const here = new Map(mine.filter((r) => r.code && r.status !== "refused").map((r) => [r.code, r]));
    for (const person of people.values()) {
      const item = document.createElement("li");
      item.className = "door-person";
      const name = document.createElement("span");
      const bdi = document.createElement("bdi");
      bdi.textContent = person.name;
      const code = document.createElement("span");
      code.className = "muted";
      code.dir = "ltr";
      code.textContent = person.code;
      name.append(bdi, document.createElement("br"), code);
      item.append(name);
      const at = person.checked_in_at || (here.get(person.code) || {}).at;
      if (at) {
        checked += 1;
        item.classList.add("in");
        const badge = document.createElement("span");
        badge.className = "badge registered";
        badge.textContent = fill(T.inAt, { time: clock(at) });
        item.append(badge);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "small";
        button.textContent = T.letIn;
        button.addEventListener("click", () => scan(person.code));
        item.append(button);
      }
      list.append(item);
    }
    if (!people.size) {
      const item = document.createElement("li");
      item.textContent = T.nobody;
      list.append(item);
    }
    const chosen = state && state.sessions.find((s) => s.id === session);
    $("door-figures").textContent = chosen
      ? fill(T.figures, { in: checked, registered: people.size, places: chosen.capacity })
      : "";
  }

  async function renderQueue() {
    const waiting = await db.countFromIndex("checkins", "status", "pending");
    $("door-unsent").hidden = waiting === 0;
    $("door-unsent-count").textContent = waiting;
  }

  async function renderLog() {
    const session = sessionId();
    const records = (await db.getAll("checkins"))
      .filter((r) => r.session === session)
      .sort((a, b) => (a.at < b.at ? 1 : -1))
      .slice(0, 15);
    const log = $("door-log");
    log.replaceChildren();
    for (const record of records) {
      const item = document.createElement("li");
      item.className = "door-log-" + record.status;
      const what =
        record.status === "pending"
          ? T.queued
          : record.status === "refused"
            ? `${T.refused}: ${record.message || ""}`
            : record.status === "already"
              ? record.message || T.already
              : T.checkedIn + (record.later ? ` (${T.sentLater})` : "");
      item.textContent = `${clock(record.at)} · ${record.name || record.body.code || ""} · ${what}`;
      log.append(item);
    }
    $("door-log-box").hidden = records.length === 0;
  }

  function renderNetwork() {
    const online = navigator.onLine;
    $("door-network").textContent = online ? T.online : T.offline;
    $("door-network").classList.toggle("off", !online);
  }

  function showVerdict(verdict) {
    const box = $("door-verdict");
    box.className = "door-verdict " + verdict.kind;
    box.hidden = false;
    $("door-verdict-title").textContent =
      verdict.kind === "ok"
        ? T.checkedIn
        : verdict.kind === "already"
          ? T.already
          : verdict.kind === "queued"
            ? T.offline
            : T.refused;
    $("door-verdict-name").textContent = verdict.name || "";
    $("door-verdict-message").textContent = verdict.message || "";
    if (navigator.vibrate && verdict.kind !== "ok") navigator.vibrate([80, 60, 80]);
  }

  let messageTimer;
  function showMessage(text, kind = "") {
    const box = $("door-verdict");
    box.hidden = false;
    box.className = "door-verdict " + kind;
    $("door-verdict-title").textContent = text;
    $("door-verdict-name").textContent = "";
    $("door-verdict-message").textContent = "";
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => (box.hidden = true), 8000);
  }

  // --- Start ---------------------------------------------------------------------------------

  async function pair(raw) {
    server.setToken(raw.trim());
    await db.put("meta", server.token, "token");
    await refreshState();
    if (!state) {
      await db.delete("meta", "token");
      server.setToken(null);
      $("door-pair-error").textContent = T.notPaired;
    }
  }

  async function start() {
    db = await openStore();
    server.setToken((await db.get("meta", "token")) || null);
    state = (await db.get("meta", "state")) || null;
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("pair")) {
      history.replaceState(null, "", location.pathname);
      state = null;
      await pair(hash.get("pair"));
    }
    renderNetwork();
    render();

    $("door-pair-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      await pair($("door-token").value);
      render();
      await refreshList();
    });
    $("door-session").addEventListener("change", async () => {
      localStorage.setItem("maarid-door-session", $("door-session").value);
      $("door-verdict").hidden = true;
      await refreshList();
      renderLog();
    });
    // The shared scanner (core/scanner.html) sends each code it reads, from the camera or
    // typed, as a "maarid:scan" event: the page takes it and checks the person in.
    document.addEventListener("maarid:scan", async (event) => {
      event.preventDefault();
      const root = event.target.closest("[data-scanner]");
      const scanner = root && root.maaridScanner;
      if (scanner) scanner.pause();
      try {
        await scan(event.detail.text);
      } finally {
        if (scanner) scanner.resume();
        const field = $("door-code");
        if (field) field.value = "";
      }
    });
    $("door-walk-in").addEventListener("submit", walkIn);
    $("door-unsent").addEventListener("click", sync);
    window.addEventListener("online", async () => {
      renderNetwork();
      await sync();
      await refreshState();
      await refreshList();
    });
    window.addEventListener("offline", renderNetwork);
    setInterval(async () => {
      await sync();
    }, RETRY_MS);

    await sync();
    await refreshState();
    await refreshList();
    await renderQueue();
    renderLog();
    document.body.dataset.ready = "1";
    MaaridOffline.install(
      "maarid-door-v1",
      script.dataset.worker,
      script.dataset.scope,
      (script.dataset.offlineFiles || "").split(" ").filter(Boolean)
    );
  }

  start();
})();
