/*
 * The staff pages' one way to call their API: JSON in and out, the session cookie, the CSRF
 * token on every change, and the server's Swedish error message on failure.
 */
(function () {
  "use strict";

  function client(base, csrf) {
    return async function api(method, path, body) {
      const headers = { Accept: "application/json" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
      }
      if (method !== "GET") {
        headers["X-CSRF-Token"] = csrf();
      }
      const response = await fetch(base + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin"
      });
      if (response.status === 204) {
        return null;
      }
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      if (!response.ok) {
        const message = data && data.error ? data.error.message : "Något gick fel (" + response.status + ").";
        const failure = new Error(message);
        failure.status = response.status;
        throw failure;
      }
      return data;
    };
  }

  window.GuiderumStaff = { client: client };
})();
