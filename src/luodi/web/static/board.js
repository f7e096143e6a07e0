// The kanban (board.html): drag a card to another column (or Alt+←/→ on a focused card) to change
// its status without a page load; refresh the columns when someone else changes the board
// (Server-Sent Events). Without JavaScript the status form on the item's page does the same.
(() => {
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const csrf = document.body.dataset.csrf || "";
  const live = document.querySelector("[data-live]");
  const text = board.dataset;
  let dragged = null;
  let inFlight = 0;
  let stale = false;

  function announce(message) {
    if (!live) return;
    live.textContent = message;
    live.classList.add("show");
    window.setTimeout(() => live.classList.remove("show"), 2500);
  }

  function column(status) {
    return board.querySelector(`[data-column][data-status="${status}"]`);
  }

  function bump(col, delta) {
    const count = col && col.querySelector("[data-count]");
    const now = count ? Number(count.textContent) : NaN;   // "999+" stays as it is
    if (!Number.isNaN(now)) count.textContent = String(now + delta);
  }

  function place(card, col) {
    const from = card.closest("[data-column]");
    col.querySelector("[data-drop]").prepend(card);
    bump(from, -1);
    bump(col, 1);
    return from;
  }

  async function move(card, status) {
    const target = column(status);
    const from = card.closest("[data-column]");
    if (!target || target === from) return;
    place(card, target);
    inFlight += 1;
    try {
      const response = await fetch(`/items/${card.dataset.id}/status`, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": csrf },
        body: new URLSearchParams({ csrf, status, version: card.dataset.version }),
      });
      if (!response.ok) throw response;
      const data = await response.json();
      card.dataset.version = String(data.version);
      announce(`${card.dataset.code} → ${target.querySelector("h2 span").textContent}`);
    } catch (failure) {
      place(card, from);
      const conflict = failure && failure.status === 409;
      announce(conflict ? text.msgConflict : text.msgFailed);
      if (conflict) stale = true;
    } finally {
      inFlight -= 1;
      if (stale && inFlight === 0) refresh();
    }
  }

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest("[data-draggable]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });
  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    board.querySelectorAll(".drop-target").forEach((col) => col.classList.remove("drop-target"));
  });
  board.addEventListener("dragover", (event) => {
    const col = event.target.closest && event.target.closest("[data-column]");
    if (!col || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".drop-target").forEach((c) => c !== col && c.classList.remove("drop-target"));
    col.classList.add("drop-target");
  });
  board.addEventListener("drop", (event) => {
    const col = event.target.closest && event.target.closest("[data-column]");
    if (!col || !dragged) return;
    event.preventDefault();
    col.classList.remove("drop-target");
    move(dragged, col.dataset.status);
  });
  // Keyboard: Alt+← / Alt+→ on a card moves it one column (the drag and drop of the keyboard).
  board.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowLeft" && event.key !== "ArrowRight")) return;
    const card = event.target.closest && event.target.closest("[data-draggable]");
    if (!card) return;
    const columns = Array.from(board.querySelectorAll("[data-column]"));
    const next = columns[columns.indexOf(card.closest("[data-column]")) + (event.key === "ArrowRight" ? 1 : -1)];
    if (!next) return;
    event.preventDefault();
    move(card, next.dataset.status).then(() => card.querySelector("a").focus());
  });

  async function refresh() {
    stale = false;
    const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-board]");
    if (fresh && !dragged && inFlight === 0) board.innerHTML = fresh.innerHTML;
  }

  if (window.EventSource && board.dataset.events) {
    const source = new EventSource(board.dataset.events);
    source.addEventListener("changed", () => {
      if (dragged || inFlight > 0) stale = true;
      else refresh();
    });
  }
})();
