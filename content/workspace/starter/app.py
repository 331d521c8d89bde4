"""A tiny web app for the docker-build lesson.

It says hello and reports its own version. In a real image this runs on Python with the
packages in requirements.txt. The lab's only offline base image is busybox, which has no
Python: see README.md for what the Dockerfile does instead.
"""
from flask import Flask, jsonify

APP_VERSION = "1.0.0"
GREETING = "Hello from the docker-build lab!"

app = Flask(__name__)


@app.get("/")
def index():
    return GREETING + "\n"


@app.get("/version")
def version():
    return jsonify(version=APP_VERSION)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
