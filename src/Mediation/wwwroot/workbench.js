// Dialogs for actions and ECharts for the dashboard, on pages rendered by the server. Blazor's
// enhanced navigation swaps pages without reloading, so both are wired again after each swap.
(function () {
  function wire() {
    document.querySelectorAll("[data-open]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var dialog = document.getElementById(button.dataset.open);
        if (dialog && !dialog.open) dialog.showModal();
      });
    });
    document.querySelectorAll("[data-close]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () { var d = button.closest("dialog"); if (d) d.close(); });
    });
    // One click, one command: a second click while the first is on its way would only meet a stale version.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      if (form.dataset.wired) return;
      form.dataset.wired = "1";
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { setTimeout(function () { b.disabled = true; }, 0); });
      });
    });
    // A file over the upload's limit is refused before it is sent (the service judges it again).
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      if (input.dataset.wired) return;
      input.dataset.wired = "1";
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        input.setCustomValidity(file && file.size > Number(input.dataset.maxBytes) ? input.dataset.tooLarge : "");
        input.reportValidity();
      });
    });
    // A dialog the server sent back with a refusal is shown modally again, its message beside the form.
    document.querySelectorAll("dialog[data-show]").forEach(function (dialog) {
      if (dialog.open) dialog.close();
      dialog.removeAttribute("data-show");
      dialog.showModal();
    });
    if (window.echarts) {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = echarts.getInstanceByDom(el) || echarts.init(el);
        chart.setOption(JSON.parse(el.dataset.chart), true);
      });
    }
  }
  document.addEventListener("DOMContentLoaded", wire);
  if (document.readyState !== "loading") wire();
  var hook = function () { if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener("enhancedload", wire); else setTimeout(hook, 50); };
  hook();
})();
