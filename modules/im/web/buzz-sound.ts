/**
 * The buzz chime, made with WebAudio (no sound file to ship): two soft rising tones. Browsers let
 * a page make sound only after the person has interacted with it, so the audio context is created
 * (or resumed) on the first click or key press in the tab; until then a chime is skipped silently.
 */

/** Two notes (Hz), each this long (s), the second starting after the first; quiet, as a chime should be. */
const NOTES = [880, 1318.5] as const;
const NOTE_SECONDS = 0.22;
const NOTE_GAP_SECONDS = 0.16;
const PEAK_GAIN = 0.18;

let context: AudioContext | null = null;

function audioContextClass(): typeof AudioContext | undefined {
  if (typeof window === 'undefined') return undefined;
  return window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
}

/** Creates or resumes the audio context; call it from a user gesture. */
export function unlockAudio(): void {
  const AudioContextClass = audioContextClass();
  if (!AudioContextClass) return;
  try {
    context ??= new AudioContextClass();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
  } catch {
    // No audio device: buzzes stay silent.
  }
}

/** Unlocks audio on the first gesture in this tab; returns the function that stops listening. */
export function unlockAudioOnFirstGesture(): () => void {
  const events = ['pointerdown', 'keydown'] as const;
  const unlock = () => {
    unlockAudio();
    stop();
  };
  const stop = () => {
    for (const type of events) window.removeEventListener(type, unlock, true);
  };
  for (const type of events) window.addEventListener(type, unlock, true);
  return stop;
}

/** Plays the chime once; does nothing when the browser has not allowed sound yet. */
export function playBuzzChime(): void {
  const audio = context;
  if (audio?.state !== 'running') return;
  const start = audio.currentTime + 0.02;
  NOTES.forEach((frequency, index) => {
    const at = start + index * NOTE_GAP_SECONDS;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    // A quick rise and a soft fall, so the tone has no click at either end.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(PEAK_GAIN, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_SECONDS);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + NOTE_SECONDS + 0.02);
  });
}
