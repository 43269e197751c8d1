# leftover.awk: English left in a translated text.  Usage: awk -f tests/leftover.awk ENGLISH TRANSLATED
# Each file is flattened (citations in [...] dropped, runs of white space made one space) and
# the English is cut into phrases at . ; : ( ) and newlines; every phrase of three words or
# more that the translation still holds word for word is printed, one a line.
function flat(f,   s, line) {
  s = ""
  while ((getline line < f) > 0) s = s " " line "\n"
  close(f)
  gsub(/\[[^]]*\]/, " ", s)
  return s
}
BEGIN {
  en = flat(ARGV[1]); tr = flat(ARGV[2])
  gsub(/[ \t]+/, " ", tr); gsub(/\n/, " ", tr); gsub(/ +/, " ", tr)
  n = split(en, parts, /[.;:()\n]/)
  for (i = 1; i <= n; i++) {
    p = parts[i]
    gsub(/[ \t]+/, " ", p); sub(/^ /, "", p); sub(/ $/, "", p)
    if (split(p, w, " ") < 3 || p !~ /[a-z][a-z]/ || seen[p]++) continue
    if (index(tr, p)) print p
  }
  exit
}
