// Keyboard shortcuts for the queue (/console). j/k move the current row, o or Enter open it, x selects it, a assigns it to
// me, r and n open it at the reply or the internal note, / goes to the search box, ? opens the help. Nothing fires while
// the person types in a field, or with Ctrl, Alt or Meta held (those belong to the browser and screen readers).
// Loaded as a module from this site (the content security policy allows no inline script).

const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable ||
        (target.closest("input, textarea, select") !== null && !(target instanceof HTMLInputElement && target.type === "checkbox")));

export function init(dotnet) {
    const help = () => document.getElementById("queue-help");
    const rows = () => Array.from(document.querySelectorAll(".fd-queue-table tbody tr[data-ticket]"));
    const current = () => {
        const list = rows();
        const focused = document.activeElement instanceof Element ? document.activeElement.closest("tr[data-ticket]") : null;
        return focused && list.includes(focused) ? focused : list.find((r) => r.classList.contains("fd-row-current")) ?? null;
    };
    const moveTo = (row) => {
        if (!row) return;
        for (const r of rows()) r.classList.toggle("fd-row-current", r === row);
        row.focus();
    };
    const open = (row, anchor) => {
        if (!row) return;
        window.location.assign(`/tickets/${encodeURIComponent(row.dataset.number)}${anchor ?? ""}`);
    };

    const onKey = (event) => {
        if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
        if (typing(event.target)) return;
        if (help()?.open) return; // the dialog handles its own keys (Esc closes it)
        const list = rows();
        const row = current();
        switch (event.key) {
            case "j":
            case "k": {
                const index = row ? list.indexOf(row) : -1;
                const next = event.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
                moveTo(list[next]);
                break;
            }
            case "o":
                open(row);
                break;
            case "Enter":
                // Enter on a link or a button does what it always does.
                if (event.target instanceof Element && event.target.closest("a, button")) return;
                open(row);
                break;
            case "r":
                open(row, "#reply");
                break;
            case "n":
                open(row, "#note");
                break;
            case "a":
                if (!row) return;
                dotnet.invokeMethodAsync("AssignToMe", row.dataset.ticket);
                break;
            case "x":
                if (!row) return;
                dotnet.invokeMethodAsync("ToggleSelected", row.dataset.ticket);
                break;
            case "/":
                document.getElementById("queue-q")?.focus();
                break;
            case "?":
                help()?.showModal();
                break;
            default:
                return;
        }
        event.preventDefault();
    };
    const onOpenHelp = (event) => {
        if (event.target instanceof Element && event.target.closest(".fd-shortcuts-open")) help()?.showModal();
    };

    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onOpenHelp);
    document.body.dataset.queueKeys = "ready";
    return {
        dispose() {
            document.removeEventListener("keydown", onKey);
            document.removeEventListener("click", onOpenHelp);
            delete document.body.dataset.queueKeys;
        },
    };
}
