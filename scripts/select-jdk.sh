# Sourced by .ci/run and bench/run.sh: exports JAVA_HOME for a JDK >= 21, installing one if the machine has none.
java_major() { "$1/bin/java" -version 2>&1 | head -n 1 | sed -E 's/.*version "([0-9]+).*/\1/'; }

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ]; then
    return 0
  fi
  for candidate in /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  return 1
}

select_jdk() {
  if ! find_jdk; then
    echo "no JDK >= 21 found; trying the distribution's packages" >&2
    apt-get update -qq && (apt-get install -y -qq openjdk-21-jdk-headless || apt-get install -y -qq openjdk-25-jdk-headless) || true
    find_jdk || { echo "cannot find or install a JDK >= 21" >&2; exit 1; }
  fi
  export PATH="$JAVA_HOME/bin:$PATH"
}
