// Show the emergency and preservation blocks only for the kinds that use them.
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.querySelector("select[name=kind]");
  if (!kind) return;
  const sync = () => {
    for (const block of document.querySelectorAll("[data-kinds]")) {
      block.hidden = !block.dataset.kinds.split(" ").includes(kind.value);
    }
  };
  kind.addEventListener("change", sync);
  sync();
});
