// The ticket page (/tickets/{number}). Opening it at #reply or #note (the queue's r and n shortcuts) puts the cursor in
// that box; a split takes the text selected inside a comment. Loaded as a module (no inline script under the CSP).

export function focusFromHash() {
    const id = window.location.hash.slice(1);
    if (id !== "reply" && id !== "note") return;
    const box = document.getElementById(id);
    if (box instanceof HTMLElement) {
        box.scrollIntoView({ block: "center" });
        box.focus();
    }
}

export function selectionIn(elementId) {
    const element = document.getElementById(elementId);
    const selection = window.getSelection();
    if (!element || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    return element.contains(range.commonAncestorContainer) ? selection.toString() : null;
}

// After a re-render adds the element.
export function focusLater(elementId) {
    requestAnimationFrame(() => document.getElementById(elementId)?.focus());
}
