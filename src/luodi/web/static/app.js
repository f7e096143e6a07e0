// luodi: small enhancements on top of working HTML forms (every form works without this file).
document.documentElement.classList.add("js");

// <form data-confirm="Question?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
