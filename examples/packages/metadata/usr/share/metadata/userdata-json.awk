# LinuxKit's JSON userdata, for busybox awk (busybox has no jq). Input: the userdata's bytes as
# decimal numbers (`od -An -v -tu1`), so any byte survives. When the whole input is JSON of the shape
# LinuxKit's metadata package expands,
#   {"NAME": ENTRY, ...}   ENTRY: {"content": "...", "perm": "0644"}            a file (default 0644)
#                                 {"entries": {"NAME": ENTRY, ...}, "perm": "0755"} a directory (default 0755)
# it prints a plan, one line per entry, parents first, and exits 0:
#   d PERM PATH       make directory PATH
#   f PERM K PATH     file PATH gets the bytes this program wrote to TMP.K (its decoded content)
#   r PATH: REASON    entry refused (and all below it), the rest is still expanded
# PATH is relative to /run/config. Refused: names that are empty, ".", "..", hold a "/" or a control
# character, and a top-level "userdata" (the raw copy stays). Any other input (not JSON, JSON of
# another shape) prints nothing and exits 1, as LinuxKit's json.Unmarshal into its Entry type fails.
# Key names match case-insensitively and other keys are skipped, as Go's encoding/json does.

{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }

END {
  p = 0; ok = 1; nops = 0; nfiles = 0
  ws()
  if (p >= n || b[p] != 123) exit 1 # not an object (a JSON null expands to nothing either)
  members("", 0, 0)
  ws()
  if (!ok || p < n) exit 1
  for (i = 0; i < nops; i++) if (ops[i] != "") print ops[i]
  exit 0
}

function fail() { ok = 0; p = n }

function ws() { while (p < n && (b[p] == 32 || b[p] == 9 || b[p] == 10 || b[p] == 13)) p++ }

function lit(word,   i) {
  for (i = 1; i <= length(word); i++) {
    if (p >= n || sprintf("%c", b[p]) != substr(word, i, 1)) { fail(); return }
    p++
  }
}

# members(PATH, DEPTH, REFUSED): an object of NAME: ENTRY pairs (the top level or an "entries" value)
function members(path, depth, refused,   name) {
  if (depth > 64) { fail(); return }
  p++ # {
  ws()
  if (p < n && b[p] == 125) { p++; return }
  while (ok) {
    ws()
    if (p >= n || b[p] != 34) { fail(); return }
    name = str("")
    ws()
    if (p >= n || b[p] != 58) { fail(); return }
    p++
    ws()
    entry(path == "" ? name : path "/" name, name, depth, refused)
    ws()
    if (p < n && b[p] == 44) { p++; continue }
    if (p < n && b[p] == 125) { p++; return }
    fail(); return
  }
}

# entry(PATH, NAME, DEPTH, REFUSED): one ENTRY object; its plan line goes before those of its entries
function entry(path, name, depth, refused,   mark, key, k, perm, cont, dir, why) {
  why = ""
  if (depth == 0 && name == "userdata") why = "the raw userdata is kept there"
  else if (name == "" || name == "." || name == "..") why = "the name \"" name "\" is not a file name"
  else if (name ~ /\//) why = "a name with \"/\" could leave its directory"
  else if (name ~ /[\001-\037\177]/ || nul) why = "a name with a control character"
  nul = 0
  mark = nops; ops[nops++] = ""
  if (p < n && b[p] == 110) {
    lit("null")
    if (refused) nops = mark; else ops[mark] = "r " shown(path) ": " (why != "" ? why : "neither content nor entries")
    return
  }
  if (p >= n || b[p] != 123) { fail(); return }
  p++
  perm = ""; cont = ""; dir = 0
  ws()
  if (p < n && b[p] == 125) p++
  else while (ok) {
    ws()
    if (p >= n || b[p] != 34) { fail(); return }
    key = tolower(str(""))
    ws()
    if (p >= n || b[p] != 58) { fail(); return }
    p++
    ws()
    if (key == "content" || key == "perm") {
      if (p < n && b[p] == 110) { lit("null"); if (key == "content") cont = ""; else perm = "" }
      else if (p < n && b[p] == 34) {
        if (key == "content") { k = ++nfiles; str(tmp "." k); cont = k } else perm = str("")
      } else { fail(); return }
    } else if (key == "entries") {
      if (p < n && b[p] == 110) lit("null")
      else if (p < n && b[p] == 123) { dir = 1; members(path, depth + 1, refused || why != "") }
      else { fail(); return }
    } else skip(depth)
    ws()
    if (p < n && b[p] == 44) { p++; continue }
    if (p < n && b[p] == 125) { p++; break }
    fail(); return
  }
  if (!ok) return
  if (cont != "") nops = mark + 1 # a file: entries beside content are ignored, as LinuxKit does
  if (refused) { nops = mark; return }
  if (why == "" && perm != "" && perm !~ /^[0-7][0-7]?[0-7]?[0-7]?$/) why = "perm \"" perm "\" is not an octal mode"
  if (why != "") { ops[mark] = "r " shown(path) ": " why; nops = mark + 1; return }
  if (cont != "") ops[mark] = "f " (perm == "" ? "0644" : perm) " " cont " " path
  else if (dir) ops[mark] = "d " (perm == "" ? "0755" : perm) " " path
  else ops[mark] = "r " shown(path) ": neither content nor entries"
}

function shown(path) { gsub(/[\001-\037\177]/, "?", path); return path } # a plan line stays one line

# str(DEST): a JSON string at p, decoded to UTF-8; returned when DEST is "", else written to the file
# DEST ("-" discards it). Sets nul when it held \u0000.
function str(dest,   s, c, cp, lo) {
  s = ""; nul = 0
  if (dest != "" && dest != "-") printf "" > dest
  p++ # "
  while (p < n) {
    c = b[p++]
    if (c == 34) { if (dest != "" && dest != "-") close(dest); return s }
    if (c < 32) { fail(); return "" }
    if (c == 92) {
      if (p >= n) { fail(); return "" }
      c = b[p++]
      if (c == 34 || c == 92 || c == 47) cp = c
      else if (c == 98) cp = 8
      else if (c == 102) cp = 12
      else if (c == 110) cp = 10
      else if (c == 114) cp = 13
      else if (c == 116) cp = 9
      else if (c == 117) {
        cp = hex4()
        if (cp >= 55296 && cp < 56320) { # a high surrogate: a low one must follow, else U+FFFD
          if (p + 1 < n && b[p] == 92 && b[p + 1] == 117) {
            p += 2; lo = hex4()
            if (lo >= 56320 && lo < 57344) cp = 65536 + (cp - 55296) * 1024 + (lo - 56320)
            else { s = s out(dest, 65533); cp = (lo >= 55296 && lo < 56320) ? 65533 : lo }
          } else cp = 65533
        } else if (cp >= 56320 && cp < 57344) cp = 65533
        if (!ok) return ""
        s = s out(dest, cp); continue
      } else { fail(); return "" }
      s = s out(dest, cp); continue
    }
    if (dest == "") s = s sprintf("%c", c)
    else if (dest != "-") printf "%c", c > dest
  }
  fail(); return ""
}

function hex4(   i, c, v) {
  v = 0
  for (i = 0; i < 4; i++) {
    if (p >= n) { fail(); return 0 }
    c = b[p++]
    if (c >= 48 && c <= 57) v = v * 16 + c - 48
    else if (c >= 97 && c <= 102) v = v * 16 + c - 87
    else if (c >= 65 && c <= 70) v = v * 16 + c - 55
    else { fail(); return 0 }
  }
  return v
}

# out(DEST, CP): code point CP as UTF-8, written to DEST or returned
function out(dest, cp,   u) {
  if (cp == 0) nul = 1
  if (cp < 128) u = sprintf("%c", cp)
  else if (cp < 2048) u = sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
  else if (cp < 65536) u = sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
  else u = sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
  if (dest == "") return u
  if (dest != "-") { if (cp == 0) printf "%c", 0 > dest; else printf "%s", u > dest }
  return ""
}

# skip(DEPTH): any JSON value, checked and discarded (keys LinuxKit's Entry does not have)
function skip(depth,   c) {
  if (depth > 64 || p >= n) { fail(); return }
  c = b[p]
  if (c == 34) { str("-"); return }
  if (c == 116) { lit("true"); return }
  if (c == 102) { lit("false"); return }
  if (c == 110) { lit("null"); return }
  if (c == 123 || c == 91) {
    p++; ws()
    if (p < n && b[p] == c + 2) { p++; return }
    while (ok) {
      ws()
      if (c == 123) {
        if (p >= n || b[p] != 34) { fail(); return }
        str("-"); ws()
        if (p >= n || b[p] != 58) { fail(); return }
        p++; ws()
      }
      skip(depth + 1); ws()
      if (p < n && b[p] == 44) { p++; continue }
      if (p < n && b[p] == c + 2) { p++; return }
      fail(); return
    }
    return
  }
  if (c == 45 || (c >= 48 && c <= 57)) { number(); return }
  fail()
}

function number(   d) {
  if (b[p] == 45) p++
  if (p < n && b[p] == 48) p++
  else { d = digits(); if (!d) { fail(); return } }
  if (p < n && b[p] == 46) { p++; if (!digits()) { fail(); return } }
  if (p < n && (b[p] == 101 || b[p] == 69)) {
    p++
    if (p < n && (b[p] == 43 || b[p] == 45)) p++
    if (!digits()) fail()
  }
}

function digits(   m) { m = 0; while (p < n && b[p] >= 48 && b[p] <= 57) { p++; m++ }; return m }
