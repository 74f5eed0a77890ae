// Send the CSRF token with every HTMX request.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("meta[name=csrf-token]") || document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.content || token.value; }
});

// Territory pickers (templates/territoires/picker.html): the search fills a text field of codes.
(function () {
  function codes(input) {
    return input.value.split(/[,;]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function render(picker) {
    var input = document.getElementById(picker.dataset.pickerTarget);
    var list = picker.querySelector("[data-picker-tags]");
    var labels = picker._labels || {};
    list.innerHTML = "";
    codes(input).forEach(function (code) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-tag fr-tag--sm fr-tag--dismiss";
      button.textContent = labels[code] || code;
      button.setAttribute("aria-label", "Retirer " + (labels[code] || code));
      button.dataset.pickRemove = code;
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  function init() {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      var input = document.getElementById(picker.dataset.pickerTarget);
      if (!input) { return; }
      picker._labels = {};
      picker.hidden = false;
      // Follow the typing ("input"), not only "change": a "change" on blur re-rendered the tags while the
      // submit button was being pressed, the layout moved under the pointer and the click was lost.
      input.addEventListener("input", function () { render(picker); });
      input.addEventListener("change", function () { render(picker); });
      render(picker);
    });
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("keydown", function (event) {
    // Enter in the search box must not submit the surrounding form.
    if (event.key === "Enter" && event.target.matches("[data-picker-search]")) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var picker = event.target.closest("[data-picker]");
    if (!picker) { return; }
    var input = document.getElementById(picker.dataset.pickerTarget);
    var add = event.target.closest("[data-pick-value]");
    var remove = event.target.closest("[data-pick-remove]");
    if (add) {
      var value = add.dataset.pickValue;
      var values = picker.dataset.pickerMultiple === "true" ? codes(input) : [];
      if (values.indexOf(value) === -1) { values.push(value); }
      picker._labels[value] = add.dataset.pickLabel;
      input.value = values.join(", ");
    } else if (remove) {
      input.value = codes(input).filter(function (c) { return c !== remove.dataset.pickRemove; }).join(", ");
    } else {
      return;
    }
    render(picker);
  });
})();
