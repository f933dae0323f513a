/*
 * The editors' inbox: saves what the editor chose for a group (the server writes the file and
 * answers with its diff), and shows the retraining's progress. Text goes in with textContent.
 */
(function () {
  "use strict";

  const state = { csrf: "" };
  const staff = window.GuiderumStaff;
  const me = staff.client("/agent/api", () => state.csrf);
  const api = staff.client("/admin/api", () => state.csrf);
  const $ = (id) => document.getElementById(id);

  document.addEventListener("DOMContentLoaded", start);

  async function start() {
    try {
      state.csrf = (await me("GET", "/me")).csrf_token;
    } catch (error) {
      return showError(error);
    }
    for (const form of document.querySelectorAll(".in-form")) {
      form.addEventListener("submit", (event) => save(event, form));
    }
    $("train-now").addEventListener("click", trainNow);
    watchTraining($("training-status").dataset.status);
  }

  async function save(event, form) {
    event.preventDefault();
    const group = form.closest(".in-group");
    const fields = new FormData(form);
    const action = fields.get("action");
    const body = {
      event_ids: group.dataset.eventIds.split(",").map(Number),
      action: action,
      text: fields.get("text"),
      language: fields.get("language")
    };
    if (action === "article_question") body.article_id = fields.get("article_id");
    if (action === "nlu_example") body.intent = fields.get("intent");
    if (action === "draft_article") body.topic = fields.get("topic") || null;
    const result = form.querySelector(".in-result");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    result.textContent = action === "article_question"
      ? "Sparar och bygger om sökindexet – det kan ta en stund …"
      : "Sparar …";
    try {
      const done = await api("POST", "/inbox/actions", body);
      result.textContent = describe(done);
      if (done.diff) {
        const diff = form.querySelector(".in-diff");
        diff.textContent = done.diff;
        diff.hidden = false;
      }
      group.classList.add("in-group--done");
      for (const control of form.querySelectorAll("input, select")) control.disabled = true;
      if (done.training) watchTraining(done.training.status);
    } catch (error) {
      result.textContent = error.message;
      button.disabled = false;
    }
  }

  function describe(done) {
    const parts = ["Klart: " + done.closed + " frågor stängda."];
    if (done.path) parts.push("Ändrat i " + done.path + ".");
    if (done.reindex_seconds !== null) parts.push("Sökindexet byggdes om på " + done.reindex_seconds + " s; svaret gäller nu.");
    if (done.training) parts.push("Assistenten lär om sig (se överst).");
    return parts.join(" ");
  }

  async function trainNow() {
    try {
      const job = await api("POST", "/training");
      watchTraining(job.status);
    } catch (error) {
      showError(error);
    }
  }

  let timer = null;
  function watchTraining(status) {
    if ((status === "queued" || status === "running") && timer === null) {
      timer = window.setInterval(poll, 3000);
    }
  }

  async function poll() {
    let job;
    try {
      job = await api("GET", "/training");
    } catch (error) {
      return;
    }
    if (!job) return;
    $("training-status").textContent = job.message + " (" + job.progress + " %, startad av " + job.requested_by + ")";
    $("training-progress").hidden = false;
    $("training-progress").value = job.progress;
    if (job.status === "done" || job.status === "failed") {
      window.clearInterval(timer);
      timer = null;
    }
  }

  function showError(error) {
    $("error").textContent = error.message;
    $("error").hidden = false;
  }
})();
