/*
 * Guiderum staff page for meetings: bookings per district and day (interpreter needs stand
 * out), CSV export, the district's calendar feed, and for administrators the meeting times.
 * Everything is put on the page with textContent.
 */
(function () {
  "use strict";

  const state = { csrf: "", districts: [], role: "" };
  const api = window.GuiderumStaff.client("/agent/api", () => state.csrf);
  const $ = (id) => document.getElementById(id);
  const WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"];

  document.addEventListener("DOMContentLoaded", start);

  async function start() {
    let me;
    try {
      me = await api("GET", "/me");
    } catch (error) {
      $("login-needed").hidden = false;
      return;
    }
    state.csrf = me.csrf_token;
    state.role = me.role;
    $("who").textContent = me.display_name + " (" + me.role + ")";
    try {
      state.districts = await api("GET", "/districts");
    } catch (error) {
      return showError(error);
    }
    for (const district of state.districts) {
      $("district").appendChild(option(district.id, district.name));
    }
    const today = new Date().toISOString().slice(0, 10);
    $("day").value = today;
    $("csv-from").value = today;
    $("csv-to").value = today;
    $("t-from").value = today;
    $("page").hidden = false;
    $("day-form").addEventListener("submit", (event) => { event.preventDefault(); showDay(); });
    $("district").addEventListener("change", () => { showDay(); showSlots(); });
    $("csv-form").addEventListener("submit", downloadCsv);
    if (state.role === "admin") {
      $("admin").hidden = false;
      $("template-form").addEventListener("submit", addTemplate);
      $("closed-form").addEventListener("submit", closeDay);
      $("extra-form").addEventListener("submit", addExtra);
    }
    await showDay();
    await showSlots();
  }

  function district() {
    return $("district").value;
  }

  async function showDay() {
    hideError();
    const chosen = state.districts.find((d) => d.id === district());
    $("feed").value = chosen ? chosen.feed_url : "";
    let data;
    try {
      data = await api("GET", "/bookings?district=" + encodeURIComponent(district()) + "&day=" + $("day").value);
    } catch (error) {
      return showError(error);
    }
    $("day-caption").textContent = (chosen ? chosen.name : "") + ", " + data.day + ": " + data.bookings.length + " möten";
    const rows = data.bookings.map((b) => {
      const row = document.createElement("tr");
      if (b.interpreter) {
        row.className = "ac-row--interpreter";
      }
      if (b.status === "cancelled") {
        row.className += " ac-row--cancelled";
      }
      const cells = [
        b.starts_at.slice(11, 16), b.reference, b.meeting_type,
        b.interpreter ? "TOLK: " + b.interpreter : "–", b.name || "(raderat)", b.phone || "", b.email || "",
        b.status === "cancelled" ? "avbokat" : "bokat"
      ];
      for (const value of cells) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.appendChild(cell);
      }
      return row;
    });
    $("bookings").replaceChildren(...rows);
  }

  function downloadCsv(event) {
    event.preventDefault();
    window.location.href = "/agent/api/bookings.csv?district=" + encodeURIComponent(district()) +
      "&from=" + $("csv-from").value + "&to=" + $("csv-to").value;
  }

  async function showSlots() {
    if (state.role !== "admin") {
      return;
    }
    let data;
    try {
      data = await api("GET", "/slots");
    } catch (error) {
      return showError(error);
    }
    $("templates").replaceChildren(...data.templates.filter((t) => t.district === district()).map((t) =>
      item(WEEKDAYS[t.weekday] + " " + t.start + "–" + t.end + ", " + t.minutes + " min, från " + t.valid_from +
        (t.valid_until ? " till " + t.valid_until : ""), "Ta bort", () => change("DELETE", "/slots/templates/" + t.id))
    ));
    $("closed").replaceChildren(...data.closed_days.filter((c) => !c.district || c.district === district()).map((c) =>
      item(c.day + " " + (c.district ? "" : "(alla stadsdelar) ") + c.reason, "Öppna igen",
        () => change("DELETE", "/slots/closed-days/" + c.id))
    ));
  }

  function addTemplate(event) {
    event.preventDefault();
    change("POST", "/slots/templates", {
      district: district(), weekday: Number($("t-weekday").value), start: $("t-start").value,
      end: $("t-end").value, minutes: Number($("t-minutes").value), valid_from: $("t-from").value,
      valid_until: $("t-until").value || null
    });
  }

  function closeDay(event) {
    event.preventDefault();
    change("POST", "/slots/closed-days", {
      district: $("c-all").checked ? null : district(), day: $("c-day").value, reason: $("c-reason").value
    }, (result) => result.bookings_to_move.length
      ? "Dagen är stängd. Redan bokade möten att flytta: " + result.bookings_to_move.map((b) => b.reference).join(", ")
      : "Dagen är stängd.");
  }

  function addExtra(event) {
    event.preventDefault();
    change("POST", "/slots/extra", {
      district: district(), starts: $("e-start").value, minutes: Number($("e-minutes").value)
    });
  }

  async function change(method, path, body, describe) {
    hideError();
    try {
      const result = await api(method, path, body);
      $("admin-status").textContent = describe ? describe(result) : "Sparat.";
    } catch (error) {
      return showError(error);
    }
    await showSlots();
    await showDay();
  }

  function item(text, action, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action;
    button.addEventListener("click", onClick);
    const li = document.createElement("li");
    li.append(text + " ", button);
    return li;
  }

  function option(value, text) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function showError(error) {
    $("error").textContent = error.message;
    $("error").hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
  }
})();
