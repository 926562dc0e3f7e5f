// What a view shows when an agent or Apps answers 401: which service refused and why, and a
// form for a principal and secret, kept for this tab and sent to that service alone.

import { h } from "./dom.js";
import { credentials } from "./api.js";

/** The form for `error` (an HTTPError with status 401); `onSignedIn` runs once the
 *  credentials are kept, for the view to read again. */
export function signInForm(error, onSignedIn) {
  const principal = h("input", { id: "signin-principal", autocomplete: "username", placeholder: "principal", required: true });
  const secret = h("input", { id: "signin-secret", type: "password", autocomplete: "current-password", placeholder: "secret" });
  const submit = (event) => {
    event.preventDefault();
    credentials.save(error.origin, principal.value, secret.value);
    onSignedIn();
  };
  return h("form", { class: "card signin", id: "signin", onsubmit: submit },
    h("p", {}, h("b", {}, error.origin), ` needs credentials: ${reason(error.text)}`),
    principal, " ", secret, " ", h("button", { type: "submit", id: "signin-submit" }, "Sign in"));
}

/** The refusal's words: Mesos answers them as text, Marathon as `{"message": …}`. */
function reason(text) {
  try {
    return JSON.parse(text).message || text;
  } catch {
    return text;
  }
}
