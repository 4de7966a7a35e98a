// Drag and drop for the Kanban board (/console/board). The server owns the board: a drop only asks .NET to move
// the card (DropCard); the card changes column when the re-render arrives, and a refused move leaves it where it was.
// Loaded as a module from this site (the content security policy allows no inline script).

export function init(board, dotnet) {
    let dragged = null;
    let over = null;

    const columnOf = (event) => event.target instanceof Element ? event.target.closest(".fd-column") : null;
    const mark = (column) => {
        if (over === column) return;
        over?.classList.remove("fd-column-over");
        over = column;
        over?.classList.add("fd-column-over");
    };
    // While a card is dragged, the columns its process allows are marked (the server still decides on the drop).
    const hint = (card) => {
        const targets = new Set((card?.dataset.targets ?? "").split(" ").filter(Boolean));
        for (const column of board.querySelectorAll(".fd-column")) {
            column.classList.toggle("fd-column-allowed", card !== null && targets.has(column.dataset.state));
        }
    };
    const end = () => {
        dragged?.classList.remove("fd-card-dragging");
        dragged = null;
        hint(null);
        mark(null);
    };

    const onDragStart = (event) => {
        const card = event.target instanceof Element ? event.target.closest(".fd-card[draggable='true']") : null;
        if (!card) return;
        dragged = card;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.dataset.number ?? "");
        card.classList.add("fd-card-dragging");
        hint(card);
    };
    const onDragOver = (event) => {
        const column = columnOf(event);
        if (!dragged || !column) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        mark(column);
    };
    const onDragLeave = (event) => {
        if (over && !over.contains(event.relatedTarget)) mark(null);
    };
    const onDrop = (event) => {
        const column = columnOf(event);
        const card = dragged;
        end();
        if (!card || !column) return;
        event.preventDefault();
        if (column.dataset.state === card.dataset.state) return;
        dotnet.invokeMethodAsync("DropCard", card.dataset.ticket, Number(card.dataset.version), column.dataset.state);
    };

    board.addEventListener("dragstart", onDragStart);
    board.addEventListener("dragover", onDragOver);
    board.addEventListener("dragleave", onDragLeave);
    board.addEventListener("drop", onDrop);
    board.addEventListener("dragend", end);
    board.dataset.dnd = "ready";

    return {
        dispose() {
            board.removeEventListener("dragstart", onDragStart);
            board.removeEventListener("dragover", onDragOver);
            board.removeEventListener("dragleave", onDragLeave);
            board.removeEventListener("drop", onDrop);
            board.removeEventListener("dragend", end);
        },
    };
}

// Keyboard users keep their place: after a move the focus goes to the card's move button in its new column.
export function focus(selector) {
    const element = document.querySelector(selector);
    if (element instanceof HTMLElement) element.focus();
}
