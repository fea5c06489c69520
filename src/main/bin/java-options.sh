# Sourced (bash) by run-demo.sh, the image's entrypoint and the benchmarks: shoreloop_java_options prints the JVM
# options Shoreloop is shipped with (the file java-options beside this script, comments left out) on one line.
_shoreloop_java_options_file="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/java-options"
shoreloop_java_options() {
  sed -e 's/#.*//' "$_shoreloop_java_options_file" | tr -s ' \t\n' '\n' | sed -e '/^$/d' | paste -sd ' ' -
}
