// Enhancements only: every page works without this file.
(function () {
  "use strict";

  // Quote wall: filter by stance, speaker and organisation.
  var form = document.getElementById("quote-filters");
  if (form) {
    var quotes = Array.prototype.slice.call(document.querySelectorAll(".quote-wall .quote"));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".quote-wall .stance-group"));
    var status = form.querySelector(".filter-status");
    var apply = function () {
      var want = {
        stance: form.elements.stance.value,
        speaker: form.elements.speaker.value,
        organisation: form.elements.organisation.value
      };
      var shown = 0;
      quotes.forEach(function (q) {
        var match = (!want.stance || q.dataset.stance === want.stance) &&
          (!want.speaker || q.dataset.speaker === want.speaker) &&
          (!want.organisation || q.dataset.organisation === want.organisation);
        q.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (g) {
        g.hidden = !g.querySelector(".quote:not([hidden])");
      });
      status.textContent = "Showing " + shown + " of " + quotes.length + " quotes.";
    };
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  // A permalink to a hidden quote clears the filters so the quote shows.
  var reveal = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.closest("[hidden]") && form) {
      form.reset();
      form.dispatchEvent(new Event("change"));
      target.scrollIntoView();
    }
  };
  window.addEventListener("hashchange", reveal);
  reveal();
})();
