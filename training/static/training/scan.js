// The staff scan page: read the trainee's QR code with the phone camera where the browser has a
// BarcodeDetector, put it in the code field and send the form. Elsewhere the field is typed.
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-scan-form]");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  box.hidden = false;
  var video = box.querySelector("[data-scanner-video]");
  var field = form.querySelector("input[name=token]");
  box.querySelector("[data-scanner-start]").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            field.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.requestAnimationFrame(look); });
      };
      look();
    });
  });
})();
