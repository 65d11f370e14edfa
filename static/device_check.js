// The device check: camera preview, microphone level, a test tone. All in this browser:
// the stream goes to a <video> and an analyser on this page, never anywhere else.
(function () {
  "use strict";
  var root = document.querySelector("[data-device-check]");
  if (!root) {
    return;
  }
  root.hidden = false;
  var problem = root.querySelector("[data-device-problem]");
  var video = root.querySelector("[data-device-video]");
  var meter = root.querySelector("[data-device-meter]");
  var cameraStatus = root.querySelector("[data-device-camera-status]");
  var micStatus = root.querySelector("[data-device-microphone-status]");
  var soundStatus = root.querySelector("[data-device-sound-status]");
  var start = root.querySelector("[data-device-start]");
  var AudioContext = window.AudioContext || window.webkitAudioContext;
  var audio = null;
  var heard = false;

  // Our words, in the patient's language, rendered by the page ({% script_words %}).
  var WORDS = JSON.parse(document.getElementById("words-device_check").textContent);
  var ADVICE = {
    NotAllowedError: WORDS.not_allowed,
    SecurityError: WORDS.not_allowed,
    NotFoundError: WORDS.not_found,
    OverconstrainedError: WORDS.not_found,
    NotReadableError: WORDS.busy,
  };
  var UNSUPPORTED = WORDS.unsupported;

  function say(message) {
    problem.textContent = message;
    problem.hidden = !message;
  }

  function audioContext() {
    if (!audio && AudioContext) {
      audio = new AudioContext();
    }
    return audio;
  }

  function listen(stream) {
    var context = audioContext();
    if (!context || !stream.getAudioTracks().length) {
      micStatus.textContent = WORDS.no_microphone;
      return;
    }
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    micStatus.textContent = WORDS.listening;
    (function measure() {
      analyser.getByteTimeDomainData(samples);
      var peak = 0;
      for (var i = 0; i < samples.length; i++) {
        peak = Math.max(peak, Math.abs(samples[i] - 128));
      }
      var level = Math.min(100, Math.round((peak / 128) * 200));
      meter.value = level;
      meter.textContent = String(level);
      if (level > 5 && !heard) {
        heard = true;
        micStatus.textContent = WORDS.heard;
      }
      window.requestAnimationFrame(measure);
    })();
  }

  function check() {
    say("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(UNSUPPORTED);
      return;
    }
    start.setAttribute("aria-disabled", "true");
    cameraStatus.textContent = WORDS.asking;
    navigator.mediaDevices
      .getUserMedia({ video: true, audio: true })
      .then(function (stream) {
        video.srcObject = stream;
        cameraStatus.textContent = stream.getVideoTracks().length
          ? WORDS.see_yourself
          : WORDS.no_camera;
        listen(stream);
        start.hidden = true;
        root.setAttribute("data-device-state", "working");
      })
      .catch(function (error) {
        var name = (error && error.name) || "";
        say(ADVICE[name] || WORDS.failed.replace("%(error)s", name));
        cameraStatus.textContent = WORDS.not_working;
        micStatus.textContent = WORDS.not_working;
        start.textContent = WORDS.try_again;
        start.removeAttribute("aria-disabled");
        root.setAttribute("data-device-state", "refused");
      });
  }

  start.addEventListener("click", check);

  root.querySelector("[data-device-sound]").addEventListener("click", function () {
    var context = audioContext();
    if (!context) {
      soundStatus.textContent = UNSUPPORTED;
      return;
    }
    context.resume();
    var tone = context.createOscillator();
    var volume = context.createGain();
    tone.frequency.value = 660;
    volume.gain.value = 0.2;
    tone.connect(volume).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.8);
    soundStatus.textContent = WORDS.playing;
  });
})();
