"""The embeddable script for sites without a form builder.

A site adds one tag where the form should be::

    <script src="https://crm.example.com/api/v1/intake/forms/<key>/embed.js" async></script>

and gets a small form (name, phone, e-mail, comment), or marks its own form with
``data-crm-form`` (field names as in the form's mapping) to have it sent to the CRM instead.
The script adds a hidden honeypot field, the page's UTM tags, the referrer and the page
address, posts urlencoded (a simple cross-origin request, no preflight), and shows a thank-you
or an error in Russian unless the form's ``data-success`` / ``data-error`` attributes say
otherwise.
"""

from __future__ import annotations

import json

_TEMPLATE = r"""(function () {
  "use strict";
  var honeypot = __HONEYPOT__;
  var script = document.currentScript;
  var endpoint = script ? script.src.replace(/\/embed\.js(\?.*)?$/, "") : __ENDPOINT__;
  var texts = {
    name: "Имя", phone: "Телефон", email: "E-mail", comment: "Комментарий",
    send: "Отправить", sending: "Отправляем…",
    success: "Спасибо! Мы свяжемся с вами в ближайшее время.",
    error: "Не удалось отправить заявку. Попробуйте ещё раз или позвоните нам."
  };
  function field(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    form.appendChild(input);
  }
  function decorate(form) {
    if (form.__crmIntake) return;
    form.__crmIntake = true;
    if (honeypot && !form.elements[honeypot]) {
      var trap = document.createElement("input");
      trap.type = "text"; trap.name = honeypot; trap.tabIndex = -1;
      trap.autocomplete = "off"; trap.setAttribute("aria-hidden", "true");
      trap.style.cssText = "position:absolute;left:-10000px;width:1px;height:1px;opacity:0";
      form.appendChild(trap);
    }
    var params = new URLSearchParams(window.location.search);
    ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"].forEach(function (tag) {
      if (params.get(tag) && !form.elements[tag]) field(form, tag, params.get(tag));
    });
    if (document.referrer && !form.elements.referrer) field(form, "referrer", document.referrer);
    if (!form.elements.page) field(form, "page", window.location.href);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      var status = form.querySelector("[data-crm-status]");
      if (!status) {
        status = document.createElement("p");
        status.setAttribute("data-crm-status", ""); status.setAttribute("role", "status");
        form.appendChild(status);
      }
      if (button) button.disabled = true;
      status.textContent = texts.sending;
      var key = (window.crypto && crypto.randomUUID)
        ? crypto.randomUUID() : String(Date.now()) + Math.random();
      fetch(endpoint, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "Idempotency-Key": form.__crmKey || (form.__crmKey = key) }
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        status.textContent = form.getAttribute("data-success") || texts.success;
        form.__crmKey = null;
        form.reset();
      }).catch(function () {
        status.textContent = form.getAttribute("data-error") || texts.error;
      }).then(function () {
        if (button) button.disabled = false;
      });
    });
  }
  var own = document.querySelectorAll("form[data-crm-form]");
  if (own.length) {
    Array.prototype.forEach.call(own, decorate);
    return;
  }
  var form = document.createElement("form");
  form.className = "crm-intake-form";
  var specs = [["name", "text", "name", true], ["phone", "tel", "tel", true],
    ["email", "email", "email", false], ["comment", "textarea", "off", false]];
  specs.forEach(function (spec) {
    var label = document.createElement("label");
    label.style.display = "block";
    label.textContent = texts[spec[0]];
    var input = document.createElement(spec[1] === "textarea" ? "textarea" : "input");
    if (spec[1] !== "textarea") input.type = spec[1];
    input.name = spec[0]; input.autocomplete = spec[2]; input.required = spec[3];
    input.maxLength = spec[0] === "comment" ? 2000 : 200;
    input.style.display = "block";
    label.appendChild(input);
    form.appendChild(label);
  });
  var submit = document.createElement("button");
  submit.type = "submit"; submit.textContent = texts.send;
  form.appendChild(submit);
  if (script && script.parentNode) script.parentNode.insertBefore(form, script.nextSibling);
  else document.body.appendChild(form);
  decorate(form);
})();
"""


def embed_script(endpoint_path: str, honeypot_field: str | None) -> str:
    """The script for one form; values are JSON-encoded, so none can break out of it."""
    return _TEMPLATE.replace("__HONEYPOT__", json.dumps(honeypot_field)).replace(
        "__ENDPOINT__", json.dumps(endpoint_path)
    )
