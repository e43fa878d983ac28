// The mentor's sign-off page (templates/competencies/sign_off.html):
// - "Tick all criteria" ticks the whole checklist in one tap (shown only with this script);
// - the feedback box under "not yet competent" starts with the criteria not ticked, and keeps
//   following the checklist until the mentor writes in it; choosing "achieved" takes that
//   starting text away again, so it never goes with an achieved decision.
// Without the script the page still works: the server asks for feedback and fills it in.
const form = document.querySelector("form [data-criteria]")?.closest("form");

if (form) {
  const boxes = [...form.querySelectorAll("[data-criteria] input[type=checkbox]")];
  const feedback = form.querySelector("textarea[name=feedback]");
  const tickAll = form.querySelector("[data-tick-all]");
  let started = "";

  const labelOf = (box) => form.querySelector(`label[for="${box.id}"]`).textContent.trim();
  const suggestion = () => {
    const missing = boxes.filter((box) => !box.checked).map(labelOf);
    return missing.length ? `Not yet shown:\n${missing.map((c) => `- ${c}`).join("\n")}` : "";
  };
  const outcome = () => form.querySelector("input[name=outcome]:checked")?.value;

  const follow = () => {
    if (!feedback) return;
    const untouched = feedback.value === "" || feedback.value === started;
    if (!untouched) return;
    started = outcome() === "not_yet_competent" ? suggestion() : "";
    feedback.value = started;
  };

  if (tickAll) {
    tickAll.hidden = false;
    tickAll.addEventListener("click", () => {
      for (const box of boxes) box.checked = true;
      follow();
    });
  }
  for (const box of boxes) box.addEventListener("change", follow);
  for (const radio of form.querySelectorAll("input[name=outcome]")) {
    radio.addEventListener("change", follow);
  }
}
