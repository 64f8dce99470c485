"""Meetflow's local speech-to-text process: loads the Whisper model once, then transcribes file after file.

Driven over JSON lines (integrations/transcription/local.ts starts it, one per worker):
  stdin   {"id": "r1", "file": "/path/a.ogg", "language": "en" | null, "wordTimestamps": true, "beamSize": 5}
  stdout  {"type": "ready", "loadSeconds": 1.2}                          once, when the model is loaded
          {"id": "r1", "type": "progress", "fraction": 0.42}              while it works
          {"id": "r1", "type": "result", "language": "en", "duration": 61.3, "segments": [...]}
          {"id": "r1", "type": "error", "untranscribable": true, "message": "..."}
It exits when stdin closes. Nothing is downloaded: the model is a local folder and HF_HUB_OFFLINE is set.
"""

import argparse
import json
import os
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"

# Only our JSON lines go to stdout; anything a library prints goes to stderr with its logs.
OUT = sys.stdout
sys.stdout = sys.stderr

PROGRESS_EVERY_SECONDS = 1.0


def send(message: dict) -> None:
    OUT.write(json.dumps(message) + "\n")
    OUT.flush()


def load_model(args):
    from faster_whisper import WhisperModel

    return WhisperModel(args.model_dir, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads, num_workers=1)


class Untranscribable(Exception):
    pass


def decode(path: str):
    """The audio as 16 kHz mono samples; a missing, empty or undecodable file is untranscribable."""
    import av
    from faster_whisper.audio import decode_audio

    if not os.path.isfile(path):
        raise Untranscribable(f"{path} is not a file")
    if os.path.getsize(path) == 0:
        raise Untranscribable(f"{os.path.basename(path)} is empty (0 bytes)")
    try:
        audio = decode_audio(path)
    except (av.error.FFmpegError, ValueError, IndexError, StopIteration) as error:
        raise Untranscribable(f"{os.path.basename(path)} is not audio that can be decoded: {error}") from error
    if audio.size == 0:
        raise Untranscribable(f"{os.path.basename(path)} holds no audio samples")
    return audio


def transcribe(model, request: dict) -> dict:
    audio = decode(request["file"])
    duration = audio.size / 16000
    segments, info = model.transcribe(
        audio,
        language=request.get("language") or None,
        beam_size=int(request.get("beamSize") or 5),
        word_timestamps=bool(request.get("wordTimestamps", True)),
        # Silero VAD (shipped inside faster-whisper) skips silence, where Whisper would make words up.
        vad_filter=True,
    )
    result, last_report = [], 0.0
    for segment in segments:
        result.append(
            {
                "start": round(segment.start, 3),
                "end": round(segment.end, 3),
                "text": segment.text.strip(),
                "avgLogprob": segment.avg_logprob,
                "noSpeechProb": segment.no_speech_prob,
                "words": [
                    {"word": word.word.strip(), "start": round(word.start, 3), "end": round(word.end, 3), "probability": round(word.probability, 3)}
                    for word in (segment.words or [])
                    if word.word.strip()
                ],
            }
        )
        if time.monotonic() - last_report >= PROGRESS_EVERY_SECONDS:
            last_report = time.monotonic()
            send({"id": request["id"], "type": "progress", "fraction": min(1.0, round(segment.end / max(duration, 0.001), 3))})
    return {"language": info.language, "languageProbability": round(info.language_probability, 3), "duration": round(duration, 3), "segments": result}


def serve(model) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = {}
        try:
            request = json.loads(line)
            send({"id": request["id"], "type": "result", **transcribe(model, request)})
        except Untranscribable as error:
            send({"id": request.get("id"), "type": "error", "untranscribable": True, "message": str(error)})
        except Exception as error:  # noqa: BLE001 - every failure is answered; the caller decides on retries
            send({"id": request.get("id"), "type": "error", "untranscribable": False, "message": f"{type(error).__name__}: {error}"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compute-type", default="int8")
    args = parser.parse_args()
    started = time.monotonic()
    model = load_model(args)
    send({"type": "ready", "loadSeconds": round(time.monotonic() - started, 3)})
    serve(model)


if __name__ == "__main__":
    main()
