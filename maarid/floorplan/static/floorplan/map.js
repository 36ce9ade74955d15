/* The floor plan's maps: pan and zoom (svg-pan-zoom) over the whole plan, opening on what the
   server chose (the booths a search lit, "you are here": the SVG's viewBox); on the organisers'
   map, pick an exhibitor then its booth, or drag the exhibitor onto the booth: the move form is
   filled and sent (htmx answers with what the move breaks, or the plan once moved).
   Without this script the pages still work: the server draws the SVG opened on the booths
   found, and the move form is a plain form. No inline style is set as an attribute (the
   Content-Security-Policy refuses them): styles go through the CSSOM. */
(function () {
  "use strict";

  function box(text) {
    const v = (text || "").trim().split(/[\s,]+/).map(Number);
    return v.length === 4 && v.every(Number.isFinite) ? { x: v[0], y: v[1], w: v[2], h: v[3] } : null;
  }

  /* Opens the map on ``focus`` (a box of the plan, in the SVG's user units). */
  function show(pz, focus, whole) {
    pz.reset();
    if (!focus || !whole || (focus.w >= whole.w && focus.h >= whole.h)) return;
    pz.zoom(Math.min(whole.w / focus.w, whole.h / focus.h));
    const s = pz.getSizes();
    // A point p of the plan is drawn at p × realZoom + pan.
    const cx = focus.x + focus.w / 2;
    const cy = focus.y + focus.h / 2;
    pz.pan({ x: s.width / 2 - cx * s.realZoom, y: s.height / 2 - cy * s.realZoom });
  }

  /* One finger pans, two pinch to zoom (svg-pan-zoom's custom events handler: it knows no
     pinch by itself, and the map takes the touches: CSS touch-action none). */
  const touches = {
    haltEventListeners: ["touchstart", "touchend", "touchmove", "touchleave", "touchcancel"],
    init: function (options) {
      const svg = options.svgElement;
      const pz = options.instance;
      let spread = 0;
      let at = null;
      function point(list) {
        const r = svg.getBoundingClientRect();
        let x = 0;
        let y = 0;
        for (const t of list) { x += t.clientX; y += t.clientY; }
        return { x: x / list.length - r.left, y: y / list.length - r.top };
      }
      function apart(list) {
        return Math.hypot(list[0].clientX - list[1].clientX, list[0].clientY - list[1].clientY);
      }
      this.start = function (event) {
        const list = event.touches;
        at = list.length ? point(list) : null;
        spread = list.length === 2 ? apart(list) : 0;
      };
      this.move = function (event) {
        const list = event.touches;
        if (!at || !list.length || list.length > 2) return;
        event.preventDefault();
        const now = point(list);
        if (list.length === 2 && spread) {
          const d = apart(list);
          pz.zoomAtPointBy(d / spread, now);
          spread = d;
        }
        pz.panBy({ x: now.x - at.x, y: now.y - at.y });
        at = now;
      };
      svg.addEventListener("touchstart", this.start, { passive: true });
      svg.addEventListener("touchend", this.start, { passive: true });
      svg.addEventListener("touchcancel", this.start, { passive: true });
      svg.addEventListener("touchmove", this.move, { passive: false });
      this.svg = svg;
    },
    destroy: function () {
      this.svg.removeEventListener("touchstart", this.start);
      this.svg.removeEventListener("touchend", this.start);
      this.svg.removeEventListener("touchcancel", this.start);
      this.svg.removeEventListener("touchmove", this.move);
    },
  };

  function setUp(figure) {
    if (figure.dataset.ready || typeof window.svgPanZoom !== "function") return;
    const svg = figure.querySelector("svg.fp-map-svg");
    if (!svg) return;
    figure.dataset.ready = "1";
    const focus = box(svg.getAttribute("viewBox"));
    const whole = box(svg.dataset.whole);
    if (whole) svg.setAttribute("viewBox", svg.dataset.whole);
    // svg-pan-zoom writes a style attribute unless one says "overflow" already.
    svg.style.overflow = "hidden";
    let moved = false;
    const pz = window.svgPanZoom(svg, {
      viewportSelector: ".fp-viewport",
      controlIconsEnabled: false,
      dblClickZoomEnabled: true,
      mouseWheelZoomEnabled: true,
      fit: true,
      center: true,
      minZoom: 0.5,
      maxZoom: 60,
      zoomScaleSensitivity: 0.3,
      onPan: function () { moved = true; },
      customEventsHandler: Object.create(touches),
    });
    show(pz, focus, whole);
    // A click at the end of a drag of the plan is not a click on a booth.
    svg.addEventListener("pointerdown", function () { moved = false; });
    svg.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); event.stopPropagation(); moved = false; }
    }, true);
    const zoom = figure.querySelector(".fp-zoom");
    if (zoom) {
      zoom.hidden = false;
      zoom.addEventListener("click", function (event) {
        const button = event.target.closest("[data-zoom]");
        if (!button) return;
        if (button.dataset.zoom === "in") pz.zoomIn();
        else if (button.dataset.zoom === "out") pz.zoomOut();
        else pz.reset();
      });
    }
    // A phone's keyboard closing changes the height only: the map stays where it is.
    let width = svg.clientWidth;
    window.addEventListener("resize", function () {
      if (!svg.isConnected || svg.clientWidth === width) return;
      width = svg.clientWidth;
      pz.resize();
      show(pz, focus, whole);
    });
    if (figure.hasAttribute("data-picking")) picking(figure, svg);
  }

  // --- The organisers' map: pick an exhibitor, then its booth ---------------------------------

  function picking(figure, svg) {
    const area = figure.closest("[data-arrange]");
    const form = area && area.querySelector("form.fp-move");
    if (!form) return;
    const exhibitor = form.querySelector("[name=exhibitor]");
    const booth = form.querySelector("[name=booth]");

    function pick(button) {
      for (const other of area.querySelectorAll(".fp-pick[aria-pressed=true]")) {
        other.setAttribute("aria-pressed", "false");
      }
      button.setAttribute("aria-pressed", "true");
      exhibitor.value = button.dataset.exhibitor;
      figure.classList.add("fp-picking");
    }

    function send(pk) {
      booth.value = pk;
      if (!exhibitor.value) { exhibitor.focus(); return; }
      form.requestSubmit();
    }

    area.addEventListener("click", function (event) {
      const button = event.target.closest(".fp-pick");
      if (button) pick(button);
    });
    svg.addEventListener("click", function (event) {
      const target = event.target.closest("[data-booth]");
      if (target) send(target.dataset.booth);
    });
    svg.addEventListener("keydown", function (event) {
      const target = event.target.closest("[data-booth]");
      if (target && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        send(target.dataset.booth);
      }
    });
    // Drag an exhibitor of the lists onto a booth.
    area.addEventListener("dragstart", function (event) {
      const button = event.target.closest(".fp-pick");
      if (!button) return;
      pick(button);
      event.dataTransfer.setData("text/plain", button.dataset.exhibitor);
      event.dataTransfer.effectAllowed = "move";
    });
    let over = null;
    function leave() { if (over) over.classList.remove("fp-drop"); over = null; }
    svg.addEventListener("dragover", function (event) {
      const target = event.target.closest("[data-booth]");
      if (target !== over) { leave(); over = target; if (over) over.classList.add("fp-drop"); }
      if (target) { event.preventDefault(); event.dataTransfer.dropEffect = "move"; }
    });
    svg.addEventListener("dragleave", function (event) {
      if (!svg.contains(event.relatedTarget)) leave();
    });
    svg.addEventListener("drop", function (event) {
      const target = event.target.closest("[data-booth]");
      leave();
      if (!target) return;
      event.preventDefault();
      const pk = event.dataTransfer.getData("text/plain");
      if (pk) exhibitor.value = pk;
      send(target.dataset.booth);
    });
  }

  function setUpAll(root) {
    const scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-map]")) setUp(scope);
    for (const figure of scope.querySelectorAll("[data-map]")) setUp(figure);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  // What htmx swaps in (a search's results, the organisers' map after a move) is set up again.
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
