"""The official openai client against pyramidkv serve: one chat completion whole, one streamed; prints JSON."""
import json
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="unused", max_retries=0, timeout=300)
messages = [{"role": "user", "content": sys.argv[2]}]
whole = client.chat.completions.create(model="stories260K", messages=messages, max_tokens=32, temperature=0)
pieces = []
usage = None
for chunk in client.chat.completions.create(model="stories260K", messages=messages, max_tokens=32, temperature=0,
                                            stream=True, stream_options={"include_usage": True}):
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
    if chunk.usage:
        usage = chunk.usage.completion_tokens
try:
    client.chat.completions.create(model="stories260K", messages=messages, max_tokens=0)
    error = None
except Exception as e:  # openai.BadRequestError
    error = type(e).__name__ + " " + str(getattr(e, "status_code", ""))
print(json.dumps({"whole": whole.choices[0].message.content, "finish": whole.choices[0].finish_reason,
                  "completion_tokens": whole.usage.completion_tokens, "streamed": "".join(pieces),
                  "streamed_completion_tokens": usage, "error": error}))
