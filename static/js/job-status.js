// A background job's page (templates/pathway/job_detail.html): asks how the job is doing every
// few seconds and says so in the live region; once it is finished, the page is loaded again to
// offer the download. Without the script, "Check again" does the same by hand.
const panel = document.querySelector("[data-job-status]");

if (panel) {
  const progress = panel.querySelector("[data-job-progress]");
  const tag = panel.querySelector("[data-job-tag]");
  let waitMs = 2000;

  const check = async () => {
    try {
      const answer = await fetch(panel.dataset.jobStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (answer.ok) {
        const job = await answer.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (progress.textContent !== job.progress_text) progress.textContent = job.progress_text;
        tag.textContent = job.status_text;
      }
    } catch {
      // Off the network for a moment (ward Wi-Fi): ask again, a little later.
    }
    waitMs = Math.min(waitMs * 1.5, 15000);
    window.setTimeout(check, waitMs);
  };
  window.setTimeout(check, waitMs);
}
