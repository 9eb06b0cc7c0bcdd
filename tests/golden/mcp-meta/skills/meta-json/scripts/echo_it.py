"""Echo the text back."""
import json
import sys

if __name__ == "__main__":
    print(json.dumps({"text": json.load(sys.stdin).get("text", "")}))
