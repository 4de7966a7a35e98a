// Progressive enhancement for the portal's forms. Everything works without it (the server validates and redraws);
// with it, conditional fields show and hide as the person types (the server decides, from the same rules), files
// that are too large are flagged before they are sent, a second click does not send the form twice, and what was
// typed in the order form survives an accidental reload.
(() => {
    "use strict";

    function enhance(root) {
        for (const form of root.querySelectorAll("form[data-portal-form]:not([data-enhanced])")) {
            form.setAttribute("data-enhanced", "");
            guardDoubleSubmit(form);
            checkFileSizes(form);
            if (form.dataset.stateUrl) followConditions(form);
        }
    }

    function guardDoubleSubmit(form) {
        form.addEventListener("submit", (event) => {
            if (form.dataset.sending === "1") { event.preventDefault(); return; }
            form.dataset.sending = "1";
            for (const button of form.querySelectorAll("[data-submit]")) button.setAttribute("disabled", "");
            const busy = form.querySelector(".fd-submitting");
            if (busy) busy.hidden = false;
        });
        // Coming back through the browser's history shows the form ready again.
        window.addEventListener("pageshow", () => {
            delete form.dataset.sending;
            for (const button of form.querySelectorAll("[data-submit]")) button.removeAttribute("disabled");
        });
    }

    function checkFileSizes(form) {
        for (const input of form.querySelectorAll("input[type=file][data-max-bytes]")) {
            input.addEventListener("change", () => {
                const max = Number(input.dataset.maxBytes);
                const error = input.closest(".fd-field")?.querySelector(".fd-field-error");
                const tooLarge = [...input.files].find((f) => f.size > max);
                input.setCustomValidity("");
                if (!error) return;
                if (tooLarge) {
                    const mb = Math.floor(max / 1048576);
                    error.textContent = document.documentElement.lang.startsWith("zh")
                        ? `文件超过了 ${mb} MB 的大小限制。` : `The file is larger than the limit of ${mb} MB.`;
                    error.setAttribute("role", "alert");
                    input.value = "";
                } else {
                    error.textContent = "";
                }
            });
        }
    }

    function followConditions(form) {
        let timer = 0;
        let asked = 0;
        const refresh = async () => {
            const data = new FormData(form);
            for (const [name, value] of [...data.entries()]) if (value instanceof File) data.delete(name);
            const ticket = ++asked;
            try {
                const response = await fetch(form.dataset.stateUrl, { method: "POST", body: data, credentials: "same-origin" });
                if (!response.ok || ticket !== asked) return;
                const state = await response.json();
                const visible = new Set(state.visible);
                const required = new Set(state.required);
                for (const field of form.querySelectorAll("[data-field]")) {
                    const id = field.dataset.field;
                    field.hidden = !visible.has(id);
                    for (const input of field.querySelectorAll("input:not([type=checkbox]):not([type=file]), select, textarea")) {
                        input.required = required.has(id) && visible.has(id);
                    }
                }
            } catch {
                // Offline or signed out: the server still decides on submit.
            }
        };
        form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
        form.addEventListener("input", (event) => {
            if (event.target.matches("input[type=text], textarea, input[type=number]")) { clearTimeout(timer); timer = setTimeout(refresh, 400); }
        });
    }

    const start = () => enhance(document);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
    // Enhanced navigation swaps the page without reloading scripts.
    const hook = () => window.Blazor?.addEventListener?.("enhancedload", start);
    if (window.Blazor) hook(); else document.addEventListener("DOMContentLoaded", hook);
})();
