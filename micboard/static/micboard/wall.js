// micboard display wall: polls the wall's state once a second and keeps one tile per channel.
// The server answers 304 while nothing changed; keys 0-9 pick a group, f full screen, ? help.
"use strict";

(function () {
  const root = document.getElementById("wall");
  const config = {
    url: root.dataset.stateUrl,
    kiosk: root.dataset.kiosk,
    pollMs: Number(root.dataset.pollMs),
    passSeconds: Number(root.dataset.passSeconds),
    allVenues: root.dataset.allVenues === "true",
  };
  const TIMEOUT_MS = 3000; // a request that takes longer counts as a failure
  const STALE_MS = 2000; // no answer for this long: show the disconnected banner

  const el = {
    tiles: document.getElementById("tiles"),
    empty: document.getElementById("empty"),
    banner: document.getElementById("banner"),
    alerts: document.getElementById("alerts-banner"),
    workers: document.getElementById("worker-status"),
    status: document.getElementById("status"),
    viewTitle: document.getElementById("view-title"),
    legend: document.getElementById("legend"),
    legendGroups: document.getElementById("legend-groups"),
    template: document.getElementById("tile-template"),
  };

  let state = null;
  let serverOffsetMs = 0; // the server's clock minus ours, from the frame's generated_at
  let etag = "";
  let pass = root.dataset.pass;
  let passRenewAt = Date.now() + config.passSeconds * 500;
  let lastOk = Date.now();
  let layoutSignature = "";
  let activeGroup = groupFromUrl();
  const tileElements = new Map();

  // --- talking to the server ---------------------------------------------------------

  async function poll() {
    const renew = Date.now() >= passRenewAt;
    const headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    if (!renew) headers["X-Wall-Pass"] = pass;
    else if (config.kiosk) headers["X-Kiosk-Token"] = config.kiosk;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    let delay = config.pollMs;
    try {
      const response = await fetch(config.url, {
        headers,
        cache: "no-store",
        // Only a renewal sends the session cookie; a valid pass is enough otherwise.
        credentials: renew ? "same-origin" : "omit",
        signal: abort.signal,
      });
      const freshPass = response.headers.get("X-Wall-Pass");
      if (freshPass) {
        pass = freshPass;
        passRenewAt = Date.now() + config.passSeconds * 500;
      }
      if (response.status === 304) {
        connected();
      } else if (response.ok) {
        state = await response.json();
        serverOffsetMs = Date.parse(state.generated_at) - Date.now();
        etag = response.headers.get("ETag") || "";
        render();
        connected();
      } else if (response.status === 403 && !renew) {
        passRenewAt = 0; // the pass was refused: renew it at once with the session or token
        delay = 0;
      } else if (response.status === 403) {
        showBanner("This wall is no longer available: log in again or use a new kiosk link.");
      } else if (response.status === 404) {
        showBanner("This venue no longer exists.");
      } else {
        disconnected();
      }
    } catch (error) {
      disconnected();
    } finally {
      clearTimeout(timer);
      setTimeout(poll, delay);
    }
  }

  function connected() {
    lastOk = Date.now();
    refreshAges();
    el.banner.hidden = true;
    root.classList.remove("stale");
    el.status.textContent = "Live · " + new Date(lastOk).toLocaleTimeString();
  }

  function disconnected() {
    if (Date.now() - lastOk < STALE_MS) return;
    showBanner("Disconnected from the server since " + new Date(lastOk).toLocaleTimeString() +
      " · retrying…");
    root.classList.add("stale"); // the values shown are getting old
    el.status.textContent = "Disconnected";
  }

  function showBanner(text) {
    el.banner.textContent = text;
    el.banner.hidden = false;
  }

  // --- stale data: its age on each stale tile, and venues whose worker is silent --------

  function ageText(syncedAt) {
    if (!syncedAt) return "no data yet";
    const seconds = Math.max(0, Math.round((Date.now() + serverOffsetMs - Date.parse(syncedAt)) / 1000));
    if (seconds < 120) return seconds + " s old";
    if (seconds < 7200) return Math.round(seconds / 60) + " min old";
    return Math.round(seconds / 3600) + " h old";
  }

  function refreshAges() {
    if (!state) return;
    for (const t of state.tiles) {
      if (!t.stale) continue;
      const tile = tileElements.get(t.key);
      if (tile) setText(tile.querySelector(".state-label"), t.state_label + " · " + ageText(t.synced_at));
    }
    const silent = state.venues.filter((v) => v.not_reporting);
    const text = silent.map((v) => (config.allVenues ? v.name + ": " : "") + v.not_reporting).join(" · ");
    setText(el.workers, text);
    el.workers.hidden = !text;
  }

  // --- tiles --------------------------------------------------------------------------

  function tileElement(key) {
    let tile = tileElements.get(key);
    if (!tile) {
      tile = el.template.content.firstElementChild.cloneNode(true);
      tile.dataset.key = key;
      tile.addEventListener("animationend", () => tile.classList.remove("flash"));
      tileElements.set(key, tile);
    }
    return tile;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function updateTile(tile, t) {
    const previous = tile.dataset.state;
    tile.dataset.state = t.state;
    if (t.state === "AUDIO_PEAK" && previous !== "AUDIO_PEAK") {
      tile.classList.remove("flash");
      void tile.offsetWidth; // restart the animation
      tile.classList.add("flash");
    }
    const channelName = t.name || (t.channel ? "Channel " + t.number : t.receiver);
    const performer = t.performer || null; // absent or null: nobody assigned
    const name = performer ? performer.name : channelName;
    const slot = t.receiver + " · ch " + t.number;
    setText(tile.querySelector(".chan-id"), t.id);
    setText(tile.querySelector(".chan-name"), name);
    tile.querySelector(".chan-name").title = name;
    setText(tile.querySelector(".sub"), performer ? performer.part || channelName : slot);
    showPhoto(tile.querySelector(".photo"), performer);
    if (performer) tile.dataset.performer = performer.name;
    else delete tile.dataset.performer;
    let label = t.state === "RX_COM_ERROR" ? t.state_label + " · " + t.receiver : t.state_label;
    if (t.stale) label = t.state_label + " · " + ageText(t.synced_at);
    const stateLabel = tile.querySelector(".state-label");
    setText(stateLabel, label);
    stateLabel.title = label;
    const bars = t.battery;
    tile.querySelectorAll(".battery i").forEach((bar, i) => {
      bar.classList.toggle("on", bars !== null && i < bars);
    });
    const battery = bars === null ? "battery unknown" : "battery " + bars + " of 5 bars";
    tile.querySelector(".battery").setAttribute("aria-label", battery);
    setText(tile.querySelector(".runtime"), t.runtime);
    setText(tile.querySelector(".frequency"), t.frequency);
    setText(tile.querySelector(".tx"), t.tx);
    setText(tile.querySelector(".slot"), performer ? slot : "");
    meter(tile.querySelector(".meter.rf"), t.rf, t.rf_dbm === null ? "" : t.rf_dbm + " dBm", "RF");
    const audio = tile.querySelector(".meter.audio");
    meter(audio, t.audio, t.audio_dbfs === null ? "" : t.audio_dbfs + " dBFS", "audio");
    audio.classList.toggle("peak", t.audio_peak);
    tile.querySelector(".ant-a").classList.toggle("on", t.antenna_a);
    tile.querySelector(".ant-b").classList.toggle("on", t.antenna_b);
    const antennas = [t.antenna_a ? "A" : "", t.antenna_b ? "B" : ""].join("") || "none";
    tile.querySelector(".antenna").setAttribute("aria-label", "antenna " + antennas);
    // An alert rings the tile and adds a badge; the state's colour stays visible.
    const badge = tile.querySelector(".alert-badge");
    if (t.alert) tile.dataset.alert = t.alert;
    else delete tile.dataset.alert;
    badge.hidden = !t.alert;
    if (t.alert) badge.dataset.alert = t.alert;
    setText(badge, t.alert === "acknowledged" ? "ACK" : t.alert ? "ALERT" : "");
    badge.title = t.alert_text || "";
    const who = performer ? name + " (" + channelName + ")" : name;
    tile.setAttribute("aria-label", [t.id, who + ":", label + ",", battery + ",",
      "runtime " + t.runtime + ",", t.frequency + " MHz"].join(" "));
  }

  function showPhoto(img, performer) {
    const url = performer && performer.photo_url ? performer.photo_url : "";
    if (img.getAttribute("src") !== url) {
      if (url) img.setAttribute("src", url);
      else img.removeAttribute("src");
    }
    img.alt = url ? performer.name : "";
    img.hidden = !url;
  }

  // RF and audio are the values of the last poll, not live meters, and say so.
  function meter(node, percent, text, what) {
    node.querySelector(".fill").style.width = (percent || 0) + "%";
    setText(node.querySelector(".meter-value"), text || "–");
    node.setAttribute("aria-label", what + " at the last poll " + (text || "unknown"));
    node.title = what + " at the last poll: " + (text || "unknown");
  }

  // --- what is shown: every channel (by venue), or one group ------------------------

  function sections() {
    const group = state.groups.find((g) => g.number === activeGroup);
    if (group) return [{ title: "", keys: group.tiles }];
    if (!config.allVenues) return [{ title: "", keys: state.tiles.map((t) => t.key) }];
    return state.venues.map((venue) => ({
      title: venue.name,
      keys: state.tiles.filter((t) => t.venue === venue.slug).map((t) => t.key),
    }));
  }

  function render() {
    const current = new Set();
    for (const t of state.tiles) {
      current.add(t.key);
      updateTile(tileElement(t.key), t);
    }
    for (const key of tileElements.keys()) {
      if (!current.has(key)) {
        tileElements.get(key).remove();
        tileElements.delete(key);
      }
    }
    layout(sections());
    fitNames();
    renderGroupList();
    renderAlerts(state.alerts || []);
  }

  // The alerts banner: every raised alert, open ones first, readable across the room.
  function renderAlerts(alerts) {
    const open = alerts.filter((a) => a.state === "open").length;
    el.alerts.hidden = alerts.length === 0;
    el.alerts.classList.toggle("all-acknowledged", alerts.length > 0 && open === 0);
    const head = open ? open + (open === 1 ? " ALERT" : " ALERTS")
      : alerts.length + " ACKNOWLEDGED";
    const shown = alerts.slice(0, 3).map((a) => a.summary + (a.count > 1 ? " (×" + a.count + ")" : ""));
    const more = alerts.length > 3 ? " · +" + (alerts.length - 3) + " more" : "";
    setText(el.alerts, alerts.length ? "⚠ " + head + " · " + shown.join(" · ") + more : "");
  }

  function layout(parts) {
    const signature = JSON.stringify(parts);
    if (signature === layoutSignature) return;
    layoutSignature = signature;
    el.tiles.replaceChildren();
    let shown = 0;
    for (const part of parts) {
      const section = document.createElement("section");
      section.className = "venue-section";
      if (part.title) {
        const heading = document.createElement("h2");
        heading.textContent = part.title;
        section.append(heading);
      }
      const grid = document.createElement("div");
      grid.className = "grid";
      for (const key of part.keys) {
        const tile = tileElements.get(key);
        if (tile) {
          grid.append(tile);
          shown += 1;
        }
      }
      section.append(grid);
      el.tiles.append(section);
    }
    el.empty.hidden = shown > 0;
    const group = state.groups.find((g) => g.number === activeGroup);
    el.viewTitle.textContent = group ? "Group " + group.number + " · " + group.title : "All channels";
    fit();
  }

  // --- sizing: the tiles fill the window, whatever their number, and nothing scrolls ------
  // Each density is a tile drawn in units of --u (the name's size): its width and height in
  // those units. For every column count the tiles would get a size; the densest layout wins
  // unless a richer one keeps most of that size (or is large enough anyway).
  const DENSITIES = [
    { name: "full", width: 7.5, height: 4.4 },
    { name: "compact", width: 6.2, height: 3.45 },
    { name: "minimal", width: 5, height: 3 },
  ];
  const FIXED_PX = 6; // borders, which do not scale below 2 px
  const RICHER_KEEPS = 0.9;
  const ROOMY_PX = { full: 48, compact: 24 };

  function bestLayout(density, counts, width, height, gap) {
    const most = Math.max(...counts);
    let best = null;
    for (let cols = 1; cols <= most; cols += 1) {
      const rows = counts.reduce((sum, n) => sum + Math.ceil(n / cols), 0);
      const rowGaps = counts.reduce((sum, n) => sum + Math.ceil(n / cols) - 1, 0) * gap;
      const w = (width - (cols - 1) * gap) / cols;
      const h = Math.floor((height - rowGaps) / rows);
      const u = Math.min((w - FIXED_PX) / density.width, (h - FIXED_PX) / density.height);
      if (h > 0 && (!best || u > best.u)) best = { density: density.name, cols, row: h, u };
    }
    return best;
  }

  function chooseLayout(counts, width, height, gap) {
    const options = DENSITIES.map((d) => bestLayout(d, counts, width, height, gap));
    let chosen = options[options.length - 1];
    for (let i = options.length - 2; i >= 0; i -= 1) {
      const richer = options[i];
      if (richer && (richer.u >= RICHER_KEEPS * chosen.u || richer.u >= ROOMY_PX[richer.density])) {
        chosen = richer;
      }
    }
    return chosen;
  }

  function fit() {
    const grids = Array.from(el.tiles.querySelectorAll(".grid"));
    const counts = grids.map((g) => g.children.length).filter((n) => n > 0);
    if (!counts.length) return;
    const gap = Math.max(2, Math.min(8, Math.round(Math.min(window.innerWidth, window.innerHeight) * 0.005)));
    el.tiles.style.setProperty("--gap", gap + "px");
    let headings = 0;
    el.tiles.querySelectorAll(".venue-section h2").forEach((h) => { headings += h.offsetHeight + gap; });
    const sectionGaps = (el.tiles.children.length - 1) * gap;
    const width = el.tiles.clientWidth - 2 * gap;
    const height = el.tiles.clientHeight - 2 * gap - headings - sectionGaps;
    const layoutFound = chooseLayout(counts, width, height, gap);
    if (!layoutFound) return;
    el.tiles.dataset.density = layoutFound.density;
    el.tiles.style.setProperty("--cols", String(layoutFound.cols));
    el.tiles.style.setProperty("--row", layoutFound.row + "px");
    el.tiles.style.setProperty("--u", Math.max(1, Math.floor(layoutFound.u * 10) / 10) + "px");
    fitNames();
  }

  // A performer's full name that does not fit its tile gives way to the first name, which
  // reads from across the room; the full name stays in the tile's title and aria-label.
  function fitNames() {
    for (const tile of tileElements.values()) {
      const full = tile.dataset.performer;
      if (!full || !tile.isConnected) continue;
      const node = tile.querySelector(".chan-name");
      setText(node, full);
      node.title = full;
      const first = full.split(/\s+/)[0];
      if (first !== full && node.scrollWidth > node.clientWidth + 1) setText(node, first);
    }
  }

  function renderGroupList() {
    const items = state.groups.map((g) => {
      const item = document.createElement("li");
      const key = document.createElement("kbd");
      key.textContent = String(g.number);
      item.append(key, " " + g.title + " (" + g.tiles.length + ")");
      return item;
    });
    if (!items.length) {
      items.push(document.createElement("li"));
      items[0].textContent = "None saved for this wall.";
    }
    el.legendGroups.replaceChildren(...items);
  }

  function showGroup(number) {
    activeGroup = number;
    const url = new URL(window.location.href);
    if (number === null) url.searchParams.delete("group");
    else url.searchParams.set("group", String(number));
    history.replaceState(null, "", url);
    if (state) layout(sections());
  }

  function groupFromUrl() {
    const value = new URL(window.location.href).searchParams.get("group");
    return value !== null && /^[0-9]$/.test(value) ? Number(value) : null;
  }

  // --- keys -----------------------------------------------------------------------------

  function toggleLegend(show) {
    el.legend.hidden = !show;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === "?") {
      toggleLegend(el.legend.hidden);
    } else if (event.key === "Escape") {
      if (!el.legend.hidden) toggleLegend(false);
      else showGroup(null);
    } else if (event.key === "f" || event.key === "F") {
      toggleFullscreen();
    } else if (/^[0-9]$/.test(event.key)) {
      const number = Number(event.key);
      const exists = state && state.groups.some((g) => g.number === number);
      showGroup(exists ? number : null);
    } else {
      return;
    }
    event.preventDefault();
  });
  document.getElementById("help-button").addEventListener("click", () => toggleLegend(true));
  el.legend.addEventListener("click", (event) => {
    if (event.target === el.legend) toggleLegend(false);
  });

  new ResizeObserver(() => fit()).observe(el.tiles);
  poll();
})();
