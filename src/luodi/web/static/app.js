// luodi: small enhancements on top of working HTML forms (every form works without this file).
document.documentElement.classList.add("js");

// <form data-confirm="Question?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// <button data-copy-button="ID" hidden>: copy the text of #ID (a follow-up's ready message).
// Shown only with JavaScript; without it the message is plain text to select.
for (const button of document.querySelectorAll("[data-copy-button]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copyButton);
    if (!source) return;
    const text = source.textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const range = document.createRange();   // no clipboard API (plain http): select it for Ctrl+C
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    const live = document.querySelector("[data-live]");
    if (live) { live.textContent = button.dataset.copied; live.classList.add("show"); setTimeout(() => live.classList.remove("show"), 1500); }
  });
}
