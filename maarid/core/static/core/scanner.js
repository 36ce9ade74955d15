/* The shared QR scanner: reads QR codes with the phone's back camera (qr-scanner, from npm)
   and sends each one to the page as a "maarid:scan" event; a typed code does the same where
   there is no camera. See core/templates/core/scanner.html for how a page uses it.

   It says in the page's language (the template's data-msg-… attributes) why the camera does
   not work: refused, absent, busy, or a page that is not https. The same code read again within
   data-debounce milliseconds is ignored: a code held in front of the camera is read once. */

const roots = document.querySelectorAll("[data-scanner]");

function setUp(root) {
  const $ = (selector) => root.querySelector(selector);
  const view = $(".scanner-view");
  const video = $(".scanner-video");
  const status = $(".scanner-status");
  const form = $(".scanner-typed");
  const field = form.querySelector("input[type=text]");
  const buttons = {
    start: $("[data-scanner-start]"),
    stop: $("[data-scanner-stop]"),
    torch: $("[data-scanner-torch]"),
    switch: $("[data-scanner-switch]"),
  };
  const debounce = Number(root.dataset.debounce) || 2500;
  let scanner = null;
  let facing = "environment";
  let last = { text: "", at: 0 };
  let paused = false;
  let readTimer = 0;

  function say(text, kind = "") {
    status.textContent = text || "";
    status.className = "scanner-status" + (kind ? ` ${kind}` : "");
  }

  /* The page hears of a code; if no listener takes it (preventDefault), the typed form is sent
     with it, so a page with no script of its own still works (e.g. it goes to a verify page). */
  function deliver(text, source) {
    const event = new CustomEvent("maarid:scan", {
      bubbles: true,
      cancelable: true,
      detail: { text, source },
    });
    const handled = !root.dispatchEvent(event);
    if (!handled) {
      field.value = text;
      form.dataset.sending = "camera"; // already announced: the submit listener lets it go
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    }
  }

  function read(text) {
    const now = Date.now();
    if (paused || !text) return;
    if (text === last.text && now - last.at < debounce) {
      last.at = now; // still held in front of the camera: keep ignoring it
      return;
    }
    last = { text, at: now };
    root.classList.add("read");
    clearTimeout(readTimer);
    readTimer = setTimeout(() => root.classList.remove("read"), 600);
    if (navigator.vibrate) navigator.vibrate(60);
    say(root.dataset.msgRead, "ok");
    deliver(text, "camera");
  }

  function problem(error) {
    const name = (error && error.name) || "";
    const text = String((error && error.message) || error || "");
    if (name === "NotAllowedError" || name === "SecurityError" || /denied|permission/i.test(text)) {
      return root.dataset.msgRefused;
    }
    if (name === "NotFoundError" || name === "OverconstrainedError" || /not found/i.test(text)) {
      return root.dataset.msgAbsent;
    }
    if (name === "NotReadableError" || name === "AbortError") return root.dataset.msgBusy;
    return root.dataset.msgFailed;
  }

  function cameraOff(message, kind = "error") {
    view.hidden = true;
    buttons.stop.hidden = buttons.torch.hidden = buttons.switch.hidden = true;
    buttons.start.hidden = false;
    if (message) say(message, kind);
    if (kind === "error") field.focus();
  }

  async function showOptions() {
    try {
      buttons.torch.hidden = !(await scanner.hasFlash());
    } catch {
      buttons.torch.hidden = true;
    }
    try {
      buttons.switch.hidden = (await QrScannerLib.listCameras(false)).length < 2;
    } catch {
      buttons.switch.hidden = true;
    }
  }

  let QrScannerLib = null;

  async function start() {
    if (!window.isSecureContext || !navigator.mediaDevices) {
      cameraOff(root.dataset.msgInsecure);
      return;
    }
    say(root.dataset.msgStarting);
    buttons.start.hidden = true;
    try {
      if (!QrScannerLib) QrScannerLib = (await import(root.dataset.lib)).default;
      if (!scanner) {
        scanner = new QrScannerLib(video, (result) => read(result.data), {
          preferredCamera: facing,
          maxScansPerSecond: 10,
          returnDetailedScanResult: true,
        });
      }
      view.hidden = false;
      await scanner.start();
    } catch (error) {
      cameraOff(problem(error));
      return;
    }
    buttons.stop.hidden = false;
    say(root.dataset.msgReady);
    showOptions();
  }

  function stop() {
    if (scanner) scanner.stop();
    buttons.torch.textContent = root.dataset.labelTorchOn;
    cameraOff("", "");
  }

  buttons.start.addEventListener("click", start);
  buttons.stop.addEventListener("click", stop);
  buttons.torch.addEventListener("click", async () => {
    try {
      await scanner.toggleFlash();
      buttons.torch.textContent = scanner.isFlashOn()
        ? root.dataset.labelTorchOff
        : root.dataset.labelTorchOn;
    } catch {
      buttons.torch.hidden = true;
    }
  });
  buttons.switch.addEventListener("click", async () => {
    facing = facing === "environment" ? "user" : "environment";
    try {
      await scanner.setCamera(facing);
      showOptions();
    } catch (error) {
      say(problem(error), "error");
    }
  });

  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) {
      delete form.dataset.sending;
      return;
    }
    const text = field.value.trim();
    if (!text) return;
    const custom = new CustomEvent("maarid:scan", {
      bubbles: true,
      cancelable: true,
      detail: { text, source: "typed" },
    });
    if (!root.dispatchEvent(custom)) {
      event.preventDefault(); // the page took it
      field.select();
    }
  });

  window.addEventListener("pagehide", () => scanner && scanner.stop());

  // For the page: show what became of a code, pause while it asks the server, go on.
  root.maaridScanner = {
    say,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    start,
    stop,
  };

  if ("autostart" in root.dataset) start();
  else buttons.start.hidden = false;
}

roots.forEach(setUp);
