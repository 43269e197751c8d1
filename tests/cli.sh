#!/bin/sh
# cli.sh: black-box tests of the myomap command.  Prints one line per check and a summary
# "cli: N passed, N failed"; exits 1 if any failed.  Usage: tests/cli.sh [path/to/myomap]
M=${1:-build/myomap}
. "$(dirname "$0")/lib.sh"

expect "version" 0 '^myomap [0-9]' -- $M --version
expect "help lists commands" 0 'where .*muscle|muscle' -- $M --help
for c in where muscle regions kb; do
  expect "$c --help" 0 "Usage: myomap $c" -- $M $c --help
done
expect "no command is a usage error" 1 'Usage' -- $M
expect "unknown command suggests" 1 'did you mean where' -- $M wher
expect "unknown region: closest id, exit 2" 2 'temporal-l: no such region; did you mean temple-l\?' -- $M where temporal-l
expect "region without side asks for it" 2 'temple-l or temple-r' -- $M where temple
expect "bad intensity is a usage error" 1 'intensity must be' -- $M where temple-l:11
expect "unknown option is a usage error" 1 'unknown option' -- $M where --frobnicate temple-l
expect "no region is a usage error" 1 'at least one' -- $M where
expect "text output says not a diagnosis" 0 'not a diagnosis' -- $M where temple-l:6:ache neck-side-l:4
expect "upper trapezius first for temple+neck (left)" 0 '^ 1\. upper trapezius, left' -- $M where --no-color temple-l:6 neck-side-l:4 mastoid-l:3
expect "red flag shown before candidates" 0 'RED FLAG' -- $M where --no-color low-back-l --flag fever
expect "bad flag lists the valid ones" 1 'night-pain' -- $M where low-back-l --flag fevr
expect "unknown context suggests" 1 'did you mean desk-work' -- $M where temple-l --context desk-wrk

# the JSON contract of where --json
$M where --json temple-l:6:ache neck-side-l >"$T/w.json" 2>&1
if jq -e '(.candidates | length > 0) and (.candidates[0] | (.muscle|type=="string") and (.trigger_point|type=="string")
      and (.side=="l") and (.score|type=="number") and (.essential|type=="array") and (.spillover|type=="array"))
      and ([.candidates[].score] as $s | $s == ($s|sort|reverse))' "$T/w.json" >/dev/null; then ok "where --json contract, best first"
else ko "where --json contract" "$(head -c 600 "$T/w.json")"; fi
if jq -e '.screen.soreness.verdict and (.screen.flags|type=="array")' "$T/w.json" >/dev/null; then ok "where --json has the screens"
else ko "where --json screens"; fi

# every spec region answers
$M regions --json | jq -r '.regions[].id' >"$T/ids"
n=$(wc -l <"$T/ids")
bad=0
while read -r id; do
  $M where --json "$id" | jq -e '.candidates | length > 0' >/dev/null || { bad=$((bad + 1)); echo "       no candidate for $id"; }
done <"$T/ids"
if [ "$n" = 169 ] && [ "$bad" = 0 ]; then ok "where answers all 169 region ids"; else ko "where answers every region ($n ids, $bad without candidates)"; fi

# kb export: all 110 spec muscles, contract fields, left side
$M kb export --json >"$T/kb.json"
spec=$(grep -v '^#' kb/muscles.tsv | grep -v '^id' | cut -f1 | sort)
got=$(jq -r '[.trigger_points[].muscle] | unique | .[]' "$T/kb.json" | sort)
missing=$(printf '%s\n' "$spec" | while read -r m; do printf '%s\n' "$got" | grep -qx "$m" || echo "$m"; done)
if [ -z "$missing" ] && [ "$(printf '%s\n' "$spec" | wc -l)" = 110 ]; then ok "kb export has all 110 muscles"; else ko "kb export misses muscles" "$missing"; fi
jq -R . "$T/ids" | jq -s . >"$T/ids.json"
if jq -e --slurpfile ids "$T/ids.json" '[.trigger_points[] | (.id|type=="string") and (.muscle|type=="string")
      and (.side=="l" or .side=="mid") and (.referral.essential|length>0) and (.referral.spillover|type=="array")
      and ([.referral.essential[], .referral.spillover[]] | all(. as $r | $ids[0] | index($r) != null))] | all' "$T/kb.json" >/dev/null
then ok "kb export --json contract (left side, concrete region ids)"; else ko "kb export --json contract"; fi
if jq -e '[.trigger_points[] | .sources | length > 0] | all' "$T/kb.json" >/dev/null; then ok "every trigger point has a source"; else ko "trigger points without a source"; fi
expect "kb check passes" 0 'knowledge base ok: 1[0-9][0-9] muscles' -- $M kb check
expect "muscle by name" 0 'TrP1' -- $M muscle "upper trapezius"
expect "muscle --json" 0 '"trigger_points":\[' -- $M muscle --json sternocleidomastoid
expect "unknown muscle suggests, exit 2" 2 'did you mean upper-trapezius' -- $M muscle upper-trapezus

# --kb DIR loads an edited copy; a broken copy fails with file:line and a hint
cp -r kb "$T/kb"
expect "--kb loads a copy" 0 'knowledge base ok' -- $M --kb "$T/kb" kb check
sed -i '0,/^essential = .*/s//essential = temporal neck-side/' "$T/kb/head-neck.kb"
expect "--kb broken copy: file, line, nearest" 3 'head-neck.kb:[0-9]+: unknown region "temporal" \(did you mean "temple"\?\)' -- $M --kb "$T/kb" kb check
rm "$T/kb/leg.kb"; cp -r kb/leg.kb "$T/kb/leg.kb"; sed -i 's/^\[muscle soleus\]/[muscle soleus2]/' "$T/kb/leg.kb"
expect "--kb unknown muscle" 3 'unknown muscle "soleus2"' -- $M --kb "$T/kb" where calf-l
expect "--kb missing dir" 3 'cannot open' -- $M --kb "$T/nope" where calf-l

# the CHOIR Body Map: segments as "pain somewhere in them", the drawing's ids in the answer
expect "where --choir ranks a CHOIR drawing" 0 'Candidates to assess' -- $M where --choir 218,219,223
expect "where --choir --json: the given segments and the groups" 0 '"choir":\{"map":"female","segments":\[107,117,128\]\}' -- $M where --json --choir 128,117,107 --choir-map female
expect "where --json: a drawing's CHOIR ids from its regions" 0 '"segments":\[[0-9,]*104[0-9,]*\]' -- $M where --json temple-l:6 jaw-l:3
expect "where --choir: a hand and a shoulder are two parts" 0 'No one candidate explains the whole drawing' -- $M where --top 10 --choir 128,117,107 --choir-map female
expect "where --choir: unknown segment, exit 2" 2 '999: no such CHOIR segment' -- $M where --choir 128,999
expect "where --choir-map: unknown map, exit 1" 1 'male or female' -- $M where --choir 128 --choir-map child
cp -r kb "$T/kbc"
sed -i 's/^male\t128\t\(.*\)palm-l/male\t128\t\1palms-l/' "$T/kbc/choir.tsv"
expect "--kb broken choir.tsv: file, line, nearest" 3 'choir.tsv:[0-9]+: segment 128: unknown region "palms-l" \(did you mean "palm-l"\?\)' -- $M --kb "$T/kbc" kb check
expect "--kb: where --choir reads the copy's choir.tsv" 3 'palms-l' -- $M --kb "$T/kbc" where --choir 128

# batch: one result per line, bad lines give error objects and the run goes on
cat >"$T/batch" <<'B'
{"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-side-l"}]}
{"pain":[{"region":"temporal-l"}]}
not json
{"pain":[{"region":"calf-r","intensity":11}]}

{"pain":["buttock-r","thigh-outer-r","leg-outer-r"],"context":["prolonged-sitting"]}
B
$M where --batch "$T/batch" >"$T/bout" 2>"$T/berr"
rc=$?
if [ $rc = 0 ] && [ "$(wc -l <"$T/bout")" = 6 ] && jq -e . "$T/bout" >/dev/null 2>&1; then ok "batch writes one JSON line per input line"
else ko "batch line count/JSON (rc $rc)" "$(cat "$T/bout" "$T/berr")"; fi
if [ "$(sed -n 2p "$T/bout" | jq -r '.line, .error.code' | tr '\n' ' ')" = "2 unknown-region " ] &&
   sed -n 2p "$T/bout" | jq -r .error.message | grep -q 'did you mean temple-l' &&
   [ "$(sed -n 3p "$T/bout" | jq -r .line)" = 3 ] && [ "$(sed -n 4p "$T/bout" | jq -r .error.code)" = bad-input ] &&
   [ "$(sed -n 5p "$T/bout" | jq -r .line)" = 5 ]; then ok "batch bad lines: error objects with line numbers"
else ko "batch error objects" "$(cat "$T/bout" | cut -c1-200)"; fi
# (gluteus minimus: in the top 5; the kb's anterior portion has no buttock in its zone, so the
# fitted model puts gluteus medius TrP2, iliocostalis and vastus lateralis level with or before it)
if [ "$(sed -n 1p "$T/bout" | jq -r '.candidates[0].muscle')" = upper-trapezius ] &&
   [ "$(sed -n 6p "$T/bout" | jq -r '.candidates[0:5][] | .muscle' | grep -c gluteus-minimus)" = 1 ]; then ok "batch results rank like where"
else ko "batch results" "$(sed -n 6p "$T/bout" | cut -c1-300)"; fi
single=$($M where --json temple-l:6:ache neck-side-l | jq -c .candidates)
if [ "$single" = "$(sed -n 1p "$T/bout" | jq -c .candidates)" ]; then ok "batch line equals where --json"; else ko "batch vs where --json differ"; fi
printf '%s\n' '{"pain":["calf-l"]}' | $M where --batch - | jq -e '.candidates | length > 0' >/dev/null && ok "batch from stdin" || ko "batch from stdin"
expect "batch missing file" 4 'cannot open' -- $M where --batch "$T/none"
# --jobs: the same lines in the same order as one job, whatever the chunks (a line longer than
# a chunk, CRLF, blank and bad lines, no newline at the end); --compact: the short line
awk 'BEGIN { for (i = 0; i < 3000; i++) {
  if (i % 97 == 5) print ""; else if (i % 89 == 3) print "{\"pain\":[\"nope-l\"]}";
  else if (i % 83 == 7) printf "{\"pain\":[\"calf-l\"]}\r\n";
  else if (i == 1500) { printf "{\"pain\":["; for (j = 0; j < 9000; j++) printf "%s\"temple-l\"", j ? "," : ""; print "]}" }
  else printf "{\"pain\":[{\"region\":\"%s\",\"intensity\":%d}],\"context\":[\"desk-work\"]}\n", (i % 3 ? "temple-l" : "buttock-r"), i % 11 }
  printf "{\"choir\":\"128,117\"}" }' >"$T/many"
$M where --batch "$T/many" >"$T/one"
for j in 2 3 0; do
  if $M where --batch "$T/many" --jobs $j | cmp -s - "$T/one" && [ "$(wc -l <"$T/one")" = 3001 ]; then ok "batch --jobs $j writes the lines of one job, in order"
  else ko "batch --jobs $j differs from one job"; fi
done
$M where --batch "$T/many" --compact >"$T/c1"
if $M where --batch "$T/many" --compact --jobs 2 | cmp -s - "$T/c1" &&
   [ "$(sed -n 2p "$T/c1" | jq -c '[.screen, .soreness, (.candidates[0] | .[0], .[1], (.[2] | type), .[3])]')" = \
     "$(sed -n 2p "$T/one" | jq -c '[.screen.level, .screen.soreness.verdict, (.candidates[0] | .trigger_point, .side, "number", .essential)]')" ] &&
   [ "$(sed -n 6p "$T/c1" | jq -c .)" = "$(sed -n 6p "$T/one" | jq -c .)" ]; then ok "batch --compact: point, side, score and regions as the full line has them; errors the same"
else ko "batch --compact" "$(sed -n 2p "$T/c1")"; fi
expect "--jobs without --batch" 1 'go with --batch' -- $M where temple-l --jobs 2
expect "--jobs out of range" 1 'number 0-64' -- $M where --batch "$T/many" --jobs 65
printf '{"pain":["temple-l"],"context":["desk\377work"]}\n' | $M where --batch - > "$T/bu8" 2>&1
if jq -e '.line == 1 and (.error.message | test("byte 38 \\(0xff\\) is not valid UTF-8"))' "$T/bu8" >/dev/null; then
  ok "a batch line that is not UTF-8 gives an error object naming the byte (and valid JSON)"
else ko "batch UTF-8" "$(cat "$T/bu8")"; fi

# --db '' is a mistake, not the default database
expect "--db '' is refused (before the command)" 1 '^myomap: --db needs a database: a path or a postgresql:// URI' -- $M --db '' client list
expect "--db '' is refused (after the command)" 1 '^myomap client: --db needs a database: a path or a postgresql:// URI' -- $M client list --db ''
expect "--db sqlite: (no path) is refused" 4 'sqlite: names no file' -- $M --db sqlite: client list
HOME=$T/home XDG_DATA_HOME= MYOMAP_DB= $M client list > /dev/null 2>&1
[ -e "$T/home/.local/share/myomap/myomap.db" ] && ok "MYOMAP_DB set but empty means the default database" || ko "MYOMAP_DB= did not take the default"
expect "regions text" 0 'temple-l +both' -- $M regions

# ---- the treatment session (plan, session run, homecare, condition) ----
S=tests/sessions
for c in plan session homecare condition; do
  expect "$c --help" 0 "Usage: myomap $c" -- $M $c --help
done
expect "plan lists phases and the danger zone" 0 'Danger zone: front of the neck' -- $M plan sternocleidomastoid-sternal:l
expect "plan without side asks for it" 1 'say the side' -- $M plan upper-trapezius-tp1
expect "plan bad side names the input" 1 'upper-trapezius-tp1:x: the side must be l or r' -- $M plan upper-trapezius-tp1:x
expect "plan unknown point suggests" 2 'did you mean upper-trapezius' -- $M plan upper-trapezus:l
expect "plan unknown contra suggests" 2 'did you mean anticoagulants' -- $M plan upper-trapezius:l --contra anticoagulant
expect "local contra without region is refused" 1 'open-wound is local: say where' -- $M plan upper-trapezius:l --contra open-wound
expect "plan --contras lists scopes" 0 'dvt +session' -- $M plan --contras
expect "fever: no treatment today" 0 'NO TREATMENT TODAY' -- $M plan upper-trapezius-tp1:l --contra fever
expect "wound over the point blocks it" 0 'Not treated:' -- $M plan upper-trapezius-tp1:l --contra open-wound:shoulder-top-l
if $M plan upper-trapezius-tp1:l --contra open-wound:shoulder-top-l --json | jq -e '[.steps[] | select(.phase=="release" or .phase=="stretch")] | length == 0' >/dev/null
then ok "wound over the point: no release or stretch there"; else ko "wound over the point still treated"; fi
if $M plan upper-trapezius-tp1:l --contra anticoagulants --json | jq -e '[.steps[] | select(.timed) | .band[1] <= 4 and .hold[1] <= 30] | all' >/dev/null
then ok "anticoagulants lower every band and hold"; else ko "anticoagulants not applied"; fi
if $M plan upper-trapezius-tp1:l --json | jq -e '[.steps[].alternatives // [] | .[]] | index("gua-sha") != null' >/dev/null &&
   $M plan upper-trapezius-tp1:l --contra anticoagulants --json | jq -e '[.steps[].alternatives // [] | .[]] | index("gua-sha") == null' >/dev/null
then ok "anticoagulants rule out gua sha among the alternatives"; else ko "alternatives under anticoagulants"; fi

# safety (issue 13): each rule acting
$M plan sternocleidomastoid:l --json >"$T/scm.json"
$M plan sternocleidomastoid:l --contra cervical-arterial-dysfunction --json >"$T/scm-cad.json"
if jq -e '[.steps[] | select(.phase=="stretch" and .muscle=="sternocleidomastoid")] | length == 1' "$T/scm.json" >/dev/null &&
   jq -e '([.steps[] | select(.phase=="stretch" and .muscle=="sternocleidomastoid")] | length == 0) and
          ([.blocked[] | select(.muscle=="sternocleidomastoid" and .movement=="neck-extension-rotation")] | length == 1) and
          ([.steps[] | select(.phase=="release")] | length == 2)' "$T/scm-cad.json" >/dev/null
then ok "cervical-arterial-dysfunction: no end-range extension-rotation stretch for SCM, its points still released"
else ko "cervical-arterial-dysfunction and the SCM stretch" "$(head -c 600 "$T/scm-cad.json")"; fi
if $M homecare sternocleidomastoid:l --json | jq -e '[.exercises[0].selfcare[].id] == ["scm-stretch"]' >/dev/null &&
   $M homecare sternocleidomastoid:l --contra cervical-arterial-dysfunction --json | jq -e '(.exercises[0].selfcare | length == 0) and .exercises[0].skip != null' >/dev/null
then ok "cervical-arterial-dysfunction: the SCM self-stretch is left out at home"; else ko "home SCM stretch under cervical-arterial-dysfunction"; fi
expect "cervical arterial signs today: refer" 0 'NO TREATMENT TODAY' -- $M plan upper-trapezius-tp1:l --contra cervical-arterial-signs
expect "high-risk pregnancy: refer" 0 'NO TREATMENT TODAY' -- $M plan upper-trapezius-tp1:l --contra high-risk-pregnancy
expect "pregnancy: caution at upper trapezius TrP1" 0 'Caution \(pregnancy\): traditional acupressure' -- $M plan upper-trapezius-tp1:l --contra pregnancy
if $M plan upper-trapezius-tp1:l --json | jq -e '[.steps[].alternatives // [] | .[]] | index("spray-and-stretch") != null' >/dev/null &&
   $M plan upper-trapezius-tp1:l --contra raynauds --json | jq -e '[.steps[] | (.technique.id // ""), (.alternatives // [] | .[])] | index("spray-and-stretch") == null' >/dev/null
then ok "raynauds: spray-and-stretch refused"; else ko "spray-and-stretch under raynauds"; fi
if $M plan upper-trapezius-tp1:l --contra antiplatelets --json | jq -e '.limits.band_max == 5 and .limits.hold_max == 30' >/dev/null
then ok "antiplatelets lower the band and the hold"; else ko "antiplatelets"; fi
if $M plan vastus-lateralis:l tibialis-anterior:l vastus-lateralis:r --contra dvt-treated:calf-l --json |
   jq -e '([.steps[] | select((.phase=="release" or .phase=="stretch") and .side=="l")] | length == 0) and
          ([.steps[] | select(.phase=="release" and .side=="r")] | length > 0)' >/dev/null
then ok "a treated DVT in the left calf excludes the whole left leg"; else ko "dvt-treated limb"; fi
for p in gluteus-maximus-tp2:l rectus-abdominis-upper:l serratus-posterior-inferior-central:l levator-scapulae-upper:l; do
  if $M homecare $p --json | jq -e '(.exercises[0].left_out.danger != null) and ([.exercises[0].selfcare[].tool] - ["stretch"] | length == 0)' >/dev/null
  then ok "self-care never presses in a danger zone: $p"; else ko "self-care presses in a danger zone: $p" "$($M homecare $p --json | head -c 400)"; fi
done

if $M homecare vastus-lateralis:l --json | jq -e '[.exercises[0].selfcare[].tool] | index("massage-gun") != null' >/dev/null &&
   $M homecare vastus-lateralis:l --contra antiplatelets --json | jq -e '([.exercises[0].selfcare[].tool] | index("massage-gun") == null) and .exercises[0].left_out.tool_ruled_out_by == "antiplatelets"' >/dev/null
then ok "no massage gun at home on blood thinners"; else ko "massage gun under antiplatelets"; fi

# the words clients use
expect "where --context side-sleeping accepted" 0 'infraspinatus' -- $M where --no-color shoulder-front-l:6 shoulder-side-l:5 --context side-sleeping
if $M where --json shoulder-front-l:6 shoulder-side-l:5 --context side-sleeping | jq -e '[.candidates[] | select(.muscle=="infraspinatus")][0].context == ["side-sleeping"]' >/dev/null &&
   $M where --json shoulder-front-l:6 shoulder-side-l:5 --context side-sleeping | jq -e '[.candidates[] | select(.muscle=="deltoid")][0].context == []' >/dev/null
then ok "side-sleeping counts for infraspinatus, not deltoid"; else ko "side-sleeping context"; fi
if $M where --json --top 10 neck-side-l:5 chest-l:4 --context coughing | jq -e '[.candidates[] | select(.muscle=="scalenes")][0].context == ["chronic-cough"]' >/dev/null
then ok "coughing is another word for chronic-cough"; else ko "coughing context"; fi

# myofascial release
if $M plan upper-trapezius-tp1:l --fascial --json | jq -e '([.steps[] | select(.phase=="prepare" and .timed and .technique.id=="cross-hand-release" and .hold==[90,300])] | length == 1) and
      ([.steps[] | select(.phase=="stretch" and .technique.id=="fascial-stretch")] | length == 1)' >/dev/null &&
   $M plan upper-trapezius-tp1:l --json | jq -e '[.steps[] | select(.fascial)] | length == 0' >/dev/null
then ok "plan --fascial: a sustained fascial hold before the release, a fascial stretch after the stretch"; else ko "plan --fascial"; fi
expect "scripted session: a 150 s fascial hold released" 0 'outcome: released after 150 s' -- $M session run upper-trapezius-tp1:l --fascial --events $S/fascial.events --log "$T/sf.json"
if jq -e '.fascial and (.holds | length == 4) and .holds[0].phase=="prepare" and .holds[0].technique=="cross-hand-release" and .holds[0].seconds==150
          and .holds[3].technique=="fascial-stretch" and .holds[3].outcome=="max-hold" and .holds[3].seconds==180' "$T/sf.json" >/dev/null
then ok "session log: the long fascial holds timed like the others"; else ko "session log (fascial)" "$(head -c 800 "$T/sf.json")"; fi
$M where --json temple-l:6 neck-side-l:4 >"$T/where.json"
if $M plan --where "$T/where.json" --top 2 --json | jq -e '[.steps[] | select(.phase=="release")] | length >= 2' >/dev/null
then ok "plan from where --json output"; else ko "plan from where"; fi
$M where --json low-back-l:6 --flag fever >"$T/wflag.json"
expect "plan from where with a red flag refers" 0 'NO TREATMENT TODAY' -- $M plan --where "$T/wflag.json"

expect "session run needs a terminal or --events" 1 'needs a terminal' -- $M session run upper-trapezius-tp1:l
expect "scripted session: released" 0 'outcome: released after 35 s' -- $M session run upper-trapezius-tp1:l --events $S/released.events --log "$T/s1.json"
if jq -e '.mode=="scripted" and .pain_pre==6 and .pain_post==3 and (.holds|length)==1 and .holds[0].outcome=="released"
          and .holds[0].confirmed and .holds[0].seconds==35 and .holds[0].start=="2026-11-22T10:00:00Z"
          and .holds[0].end=="2026-11-22T10:00:35Z" and ([.holds[0].feedback[].value]==[5,6,3])
          and ([.holds[0].advice[].advice] | index("take-up-slack") != null)' "$T/s1.json" >/dev/null
then ok "session log records the hold, feedback, outcome, pain"; else ko "session log (released)" "$(head -c 800 "$T/s1.json")"; fi
expect "scripted session: tingling stops the point" 0 'outcome: stopped after 22 s \(tingling\)' -- $M session run upper-trapezius-tp1:l sternocleidomastoid:l --events $S/stopped.events --log "$T/s2.json"
if jq -e '.holds[1].outcome=="stopped" and .holds[1].reason=="tingling" and
          ([.holds[1].advice[].advice] | index("ease-off") != null) and
          ([.skipped[].why] | map(test("stopped for sharp or nerve")) | any)' "$T/s2.json" >/dev/null
then ok "stopped point: reason logged, same muscle's holds skipped"; else ko "session log (stopped)" "$(head -c 800 "$T/s2.json")"; fi
expect "scripted session: event after the hold ended" 1 'late.events:4: the hold ended at its longest hold, 90 s' -- $M session run upper-trapezius-tp1:l --events $S/late.events --log "$T/s3.json"
[ ! -e "$T/s3.json" ] && ok "no log written for a bad script" || ko "a log was written for a bad script"
expect "scripted session: third ease-off" 0 'outcome: too-sensitive after 24 s' -- $M session run upper-trapezius-tp1:l --events $S/toosensitive.events --log "$T/s4.json"
expect "scripted session: a gluteal hold with the client's consent" 0 'Consent for the gluteal area given verbally' -- $M session run gluteus-maximus-tp2:l --events $S/consent.events --log "$T/s6.json"
if jq -e '(.consent | length == 2) and .consent[0].how == "verbal" and .consent[1].withdrawn == true and .holds[0].outcome == "released"' "$T/s6.json" >/dev/null
then ok "the session log keeps the consent given and withdrawn"; else ko "session log (consent)" "$(jq -c .consent "$T/s6.json" 2>&1 | head -c 400)"; fi
printf 'hold\n30 released\n' >"$T/noconsent.events"
expect "scripted session: a hold in a sensitive area without consent is refused" 1 'noconsent.events:1: this step works in the gluteal area: record the client.s consent first' -- $M session run gluteus-maximus-tp2:l --events "$T/noconsent.events" --log "$T/s7.json"
[ ! -e "$T/s7.json" ] && ok "... and no log is written" || ko "a log was written for a hold without consent"
printf 'hold\n5 tickle\n' >"$T/bad.events"
expect "scripted session: unknown event named" 1 'unknown event "tickle"' -- $M session run upper-trapezius-tp1:l --events "$T/bad.events" --log "$T/s5.json"
printf 'hold\nhold\nhold\nhold\n' >"$T/many.events"
expect "scripted session: more holds than the plan" 1 'no timed step left' -- $M session run upper-trapezius-tp1:l --events "$T/many.events" --log "$T/s6.json"

expect "homecare from a session log" 0 'tennis ball' -- $M homecare "$T/s1.json"
expect "homecare: stopped point gets no self-care" 0 'No self-treatment: it gave sharp or nerve-like pain' -- $M homecare "$T/s2.json"
expect "homecare lists aftercare and when to seek care" 0 'Stop and get help if' -- $M homecare upper-trapezius-tp1:l
expect "homecare: local contra skips the area" 0 'No self-treatment: not over or near' -- $M homecare gastrocnemius-tp1:r --contra open-wound:calf-r
if $M homecare "$T/s1.json" --json | jq -e '.exercises[0].selfcare[0].hold[0] >= 30 and (.expect|length) > 0 and (.["seek-care"]|length) > 0' >/dev/null
then ok "homecare --json"; else ko "homecare --json"; fi
if $M homecare upper-trapezius-tp1:l --contra anticoagulants --json | jq -e '.limits.hold_max == 30 and ([.exercises[].selfcare[].hold[1]] | max) <= 30' >/dev/null
then ok "homecare keeps holds under a modifier's limit"; else ko "homecare limits"; fi
# what keeps it coming back: the reported activities' corrective advice, the hours' rules
expect "homecare: the phone advice for phone-cradling" 0 'What keeps it coming back:' -- $M homecare upper-trapezius-tp1:l --context phone-cradling
expect "homecare: a headset instead of cradling the phone" 0 'Use a headset' -- $M homecare gastrocnemius-tp1:r --context phone-cradling
expect "homecare: side-sleeping advice from short nights" 0 'pillow between the knees' -- $M homecare gastrocnemius-tp1:r --sleep-hours 5
expect "homecare: screen at eye level from the desk hours" 0 'top at eye level' -- $M homecare gastrocnemius-tp1:r --desk-hours 9
expect "homecare: an unknown activity is refused with the nearest" 1 'did you mean phone-cradling' -- $M homecare upper-trapezius-tp1:l --context phone-cradle
if $M homecare "$T/s1.json" --context shallow-breathing,running --desk-hours 9 --sleep-hours 8 --json | jq -e '
     .perpetuating.intake.desk_hours == 9 and .perpetuating.intake.sleep_hours == 8
     and ((.perpetuating.advice | map(.activity) | index("shallow-breathing")) < (.perpetuating.advice | map(.why == ["point"]) | index(true)))
     and (.perpetuating.advice[] | select(.activity == "shallow-breathing") | (.why | index("reported")) != null and (.advice | test("belly")) and (.sources | length) > 0)
     and (.perpetuating.advice[] | select(.activity == "desk-work") | .why | index("hours")) != null
     and ([.perpetuating.advice[].activity] | index("running")) == null
     and ([.perpetuating.advice[].activity] | index("sleeping-position") == null or (.perpetuating.advice[] | select(.activity == "sleeping-position") | .why | index("hours")) == null)' >/dev/null
then ok "homecare --json: perpetuating advice, why and sources"; else ko "homecare --json perpetuating"; fi
if $M homecare gastrocnemius-tp1:r --json | jq -e '.perpetuating.intake == null and (.perpetuating.advice | length) > 0 and all(.perpetuating.advice[]; .why == ["point"] and (.muscles | index("gastrocnemius")) != null)' >/dev/null
then ok "homecare without an intake: the treated point's own activities"; else ko "homecare point activities"; fi
expect "homecare --html to a file" 0 'wrote' -- $M homecare "$T/s1.json" --html -o "$T/h.html"
if grep -q '<svg' "$T/h.html" && grep -q 'class="region"' "$T/h.html" && ! grep -qE '<script|src="http|href="http' "$T/h.html"
then ok "handout is self-contained with the body chart"; else ko "handout html"; fi
expect "homecare rejects a non-log" 1 'not a myomap session log' -- $M homecare "$T/where.json"

# the home program in French (--lang fr, $MYOMAP_LANG; kb/fr/)
expect "kb check: every client text translated" 0 'translations ok: fr [0-9]+ of [0-9]+ texts' -- $M kb check
expect "homecare --lang fr: French section titles" 0 "VOTRE PROGRAMME D'AUTOTRAITEMENT" -- $M --lang fr homecare upper-trapezius-tp1:l
for t in 'En toute sécurité' 'À quoi vous attendre' 'Pour le lendemain' 'Arrêtez et consultez si' 'trapèze supérieur \(côté gauche\)' 'Sensation attendue :'; do
  expect "homecare --lang fr: $t" 0 "$t" -- $M homecare upper-trapezius-tp1:l --lang fr
done
expect "MYOMAP_LANG=fr-CA picks French" 0 "N'appuyez pas" -- env MYOMAP_LANG=fr-CA $M homecare levator-scapulae:l
expect "--lang en wins over MYOMAP_LANG" 0 'YOUR HOME PROGRAM' -- env MYOMAP_LANG=fr $M --lang en homecare levator-scapulae:l
expect "--lang de is a usage error" 1 '--lang needs a language: en or fr' -- $M --lang de homecare levator-scapulae:l
expect "MYOMAP_LANG=de is a usage error" 1 'MYOMAP_LANG' -- env MYOMAP_LANG=de $M homecare levator-scapulae:l
# the same programs in both languages: no English phrase (three words or more) left in the French,
# and none of the home program's fixed English words
for L in en fr; do
  { $M --lang $L homecare "$T/s2.json" --context phone-cradling,desk-work --desk-hours 9 --sleep-hours 5
    $M --lang $L homecare upper-trapezius-tp1:l vastus-lateralis:l --contra anticoagulants --contra pregnancy
    $M --lang $L homecare gastrocnemius-tp1:r levator-scapulae:l --contra open-wound:calf-r
    $M --lang $L homecare sternocleidomastoid:l scalenes:r --contra cervical-arterial-dysfunction
    $M --lang $L homecare upper-trapezius-tp1:l --contra fever; } >"$T/home-$L.txt" 2>&1
done
left=$(awk -f "$(dirname "$0")/leftover.awk" "$T/home-en.txt" "$T/home-fr.txt")
fixed=$(grep -nE 'YOUR HOME|Set up:|  Do:|Hold:|Should feel:|Avoid:|Do not press|What keeps it|If you do any|Doing it safely|What to expect|For the next day|Stop and get help|No self-treatment|Because of|press lightly|\((left|right)\)|you mentioned it|at a desk|of sleep a night|trigger points going|left out because' "$T/home-fr.txt")
if [ "$(wc -l <"$T/home-en.txt")" -gt 300 ] && [ -z "$left" ] && [ -z "$fixed" ]; then ok "homecare --lang fr: no English left (5 programs, $(wc -l <"$T/home-fr.txt") lines)"
else ko "homecare --lang fr: English left" "$left
$fixed"; fi
if $M --lang fr homecare "$T/s2.json" --context phone-cradling --json | jq -e '.lang == "fr" and .exercises[0].name == "trapèze supérieur"
      and (.exercises[0].selfcare[0].steps | test("pliez un peu les genoux")) and (.exercises[1].skip | test("douleur vive"))
      and .perpetuating.advice[0].label == "tenir le téléphone entre l'"'"'oreille et l'"'"'épaule" and (.expect[0].text | test("24 à 48 heures"))
      and .exercises[0].selfcare[0].id == "ball-wall" and .exercises[0].muscle == "upper-trapezius"' >/dev/null
then ok "homecare --lang fr --json: the human texts in French, the ids as they are"; else ko "homecare --lang fr --json" "$($M --lang fr homecare "$T/s2.json" --json | head -c 600)"; fi
if $M homecare "$T/s2.json" --json | jq -e 'has("lang") | not' >/dev/null; then ok "homecare --json in English has no lang"; else ko "homecare --json lang"; fi
$M --lang fr homecare "$T/s2.json" --html -o "$T/h-fr.html" 2>/dev/null
if grep -q '<html lang="fr-CA">' "$T/h-fr.html" && grep -q '<title>Votre programme' "$T/h-fr.html" && grep -q '>Devant<' "$T/h-fr.html" &&
   grep -q 'la tempe, gauche (temple-l)' "$T/h-fr.html" && grep -q 'point à presser' "$T/h-fr.html" && ! grep -qE '>(Front|Back|Tool|Set up|Should feel)<' "$T/h-fr.html"
then ok "homecare --lang fr --html: lang=\"fr-CA\", the chart's words and regions in French"; else ko "homecare --lang fr --html" "$(head -c 400 "$T/h-fr.html")"; fi
# the SOAP note's fixed words in French: a visit with an intake, measures, palpation, holds and a home program
N="$M --db $T/note/m.db"
mkdir -p "$T/note"
$N client add --name "Ann Lee" --birth 1984-03-09 --consent yes >/dev/null 2>&1
$N intake 1 --date 2026-11-22 temple-l:6:ache neck-back-l:4 --nprs 6 --desk-hours 9 --sleep-hours 6 --context desk-work,phone-cradling --onset gradual >/dev/null 2>&1
$N measure 1 --date 2026-11-22 --psfs "reach overhead=4" --ndi 18 --rom cervical:rotation-l=60 >/dev/null 2>&1
$N assess 1 --date 2026-11-22 upper-trapezius-tp1:l:active:referral:ppt=2.5 levator-scapulae-upper:l:latent >/dev/null 2>&1
$N log 1 "$T/s2.json" >/dev/null 2>&1
$N note 1 >"$T/note-en.txt" 2>&1; $N --lang fr note 1 >"$T/note-fr.txt" 2>&1
# nothing stays English, the trigger points' names and the techniques' labels included (kb/fr/)
left=$(awk -f "$(dirname "$0")/leftover.awk" "$T/note-en.txt" "$T/note-fr.txt")
fixed=$(grep -nE 'subjective|objective|assessment|Pain drawing|Pain before|Function \(|Neck Disability|Perpetuating|Onset|assessed by palpation|Range of motion|Treatment:|Home program|Left out|Do not press|Recheck|points? lower|first pain rating|referral (not )?reproduced|\(left|left \(|right \(' "$T/note-fr.txt")
if grep -q '^S (subjectif)$' "$T/note-fr.txt" && grep -q '^A (analyse)$' "$T/note-fr.txt" && grep -q 'Points gâchettes évalués par palpation :' "$T/note-fr.txt" &&
   grep -q 'la tempe (gauche) 6/10 (douleur sourde et profonde)' "$T/note-fr.txt" && grep -q 'trapèze supérieur, côté gauche' "$T/note-fr.txt" &&
   grep -q 'Programme d.autotraitement :' "$T/note-fr.txt" && [ "$(grep -c . "$T/note-en.txt")" -gt 20 ] && [ -z "$left" ] && [ -z "$fixed" ]
then ok "note --lang fr: the SOAP note's fixed words in French"; else ko "note --lang fr" "$left
$fixed
$(head -12 "$T/note-fr.txt")"; fi
expect "note in English by default" 0 '^S \(subjective\)' -- $N note 1
# ... and its consent and clearance lines: the gluteal session's log (s6) cleared after a refer screen
jq '.cleared = {"by": "Dre A. Chen, 2026-11-30", "refer": "numbness"}' "$T/s6.json" >"$T/s6c.json"
N2="$M --db $T/note/m2.db"
$N2 client add --name "Ann Lee" --birth 1984-03-09 --consent yes >/dev/null 2>&1
$N2 intake 1 --date 2026-11-22 temple-l:6 >/dev/null 2>&1
$N2 log 1 "$T/s6c.json" >/dev/null 2>&1
$N2 --lang fr note 1 >"$T/note2-fr.txt" 2>&1
if grep -q 'Consentement au traitement (région fessière) obtenu verbalement à 10:00 UTC\.' "$T/note2-fr.txt" &&
   grep -q 'Consentement au traitement (région fessière) retiré à 10:00 UTC\.' "$T/note2-fr.txt" &&
   grep -q "Le dépistage des signaux d'alarme indiquait d'orienter le client (engourdissement); traitement autorisé par : Dre A. Chen, 2026-11-30\." "$T/note2-fr.txt" &&
   ! grep -qE 'Consent for|cleared for|said refer|verbally|withdrawn' "$T/note2-fr.txt"
then ok "note --lang fr: the consent and the clearance lines in French"; else ko "note --lang fr (consent, clearance)" "$(head -14 "$T/note2-fr.txt")"; fi
expect "note: the consent line in English by default" 0 'Consent for treatment of the gluteal area obtained verbally at 10:00 UTC' -- $N2 note 1

# kb check of a French file: a missing text named at its English line, a changed number refused
mkdir -p "$T/kbfr" && cp kb/*.kb kb/*.tsv "$T/kbfr/" && mkdir -p "$T/kbfr/fr" && cp kb/fr/*.kb "$T/kbfr/fr/"
expect "kb check --kb DIR with DIR/fr" 0 'translations ok: fr' -- $M --kb "$T/kbfr" kb check
n=$(grep -n '^steps = ' kb/head-neck.kb | head -1 | cut -d: -f1)
sed -i '0,/^steps = /{/^steps = /d}' "$T/kbfr/fr/head-neck.kb"
expect "kb check: a missing French text at its English file:line" 3 "kbfr/head-neck.kb:$n: \[selfcare upper-trapezius-ball-wall\] steps has no translation in kb/fr/" -- $M --kb "$T/kbfr" kb check
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && sed -i '0,/3 à 5 maintiens/s//3 à 6 maintiens/' "$T/kbfr/fr/head-neck.kb"
expect "kb check: a changed number in French is refused" 3 'fr/head-neck.kb:[0-9]+: the numbers and placeholders of \[selfcare upper-trapezius-ball-wall\] frequency differ from the English' -- $M --kb "$T/kbfr" kb check
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && printf '\n[selfcare upper-trapezius-ball-floor]\nsteps = x\n' >>"$T/kbfr/fr/head-neck.kb"
expect "kb check: an unknown id in French, with the nearest" 3 'unknown selfcare "upper-trapezius-ball-floor" \(did you mean "upper-trapezius-ball-wall"\?\)' -- $M --kb "$T/kbfr" kb check
# ... the therapist's texts too: a muscle's [treat] how, a point's name, a contraindication's advice
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && sed -i '/^\[treat temporalis-ischemic-compression\]/,/^$/{/^how = /d}' "$T/kbfr/fr/head-neck.kb"
n=$(awk '/^\[muscle temporalis\]/{m=1} m && /^\[treat ischemic-compression\]/{t=1} t && /^how = /{print NR; exit}' kb/head-neck.kb)
expect "kb check: a missing French treat how at its English file:line" 3 "kbfr/head-neck.kb:$n: \[treat temporalis-ischemic-compression\] how has no translation in kb/fr/" -- $M --kb "$T/kbfr" kb check
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && sed -i '/^\[treat masseter-post-isometric-relaxation\]/,/^$/s/5 à 10 secondes/5 à 12 secondes/' "$T/kbfr/fr/head-neck.kb"
expect "kb check: a changed number in a French treat how is refused" 3 'fr/head-neck.kb:[0-9]+: the numbers and placeholders of \[treat masseter-post-isometric-relaxation\] how differ from the English' -- $M --kb "$T/kbfr" kb check
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && printf '\n[tp temporalis-tp9]\nname = PG9\n' >>"$T/kbfr/fr/head-neck.kb"
expect "kb check: an unknown trigger point in French, with the nearest" 3 'unknown tp "temporalis-tp9" \(did you mean "temporalis-tp[0-9]"\?\)' -- $M --kb "$T/kbfr" kb check
cp kb/fr/head-neck.kb "$T/kbfr/fr/" && cp kb/fr/care.kb "$T/kbfr/fr/" && sed -i '0,/^advice = /{/^advice = /d}' "$T/kbfr/fr/care.kb"
expect "kb check: a missing French contraindication advice" 3 'kbfr/care.kb:[0-9]+: \[contra fever\] advice has no translation in kb/fr/' -- $M --kb "$T/kbfr" kb check
cp kb/fr/care.kb "$T/kbfr/fr/" && printf '\n[selfcare upper-trapezius-ball-floor]\nsteps = x\n' >>"$T/kbfr/fr/head-neck.kb"
expect "homecare --lang fr refuses a broken French file" 3 'unknown selfcare "upper-trapezius-ball-floor"' -- $M --kb "$T/kbfr" --lang fr homecare upper-trapezius-tp1:l
expect "homecare in English does not read the French files" 0 'YOUR HOME PROGRAM' -- $M --kb "$T/kbfr" homecare upper-trapezius-tp1:l

# the interactive session, typed into a pseudo-terminal (script(1) from bsdutils)
if command -v script >/dev/null 2>&1; then
  (sleep 0.6; printf '6\n'; sleep 0.3; printf '\n'; sleep 0.3; printf '\n'; sleep 0.3; printf '\n'; sleep 0.8; printf '5'
   sleep 0.8; printf 'f'; sleep 0.5; printf '9'; sleep 0.5; printf 'r'; sleep 0.6; printf 'k\n'; sleep 0.4; printf 'q\n'
   sleep 0.4; printf '3\n'; sleep 0.3; printf 'full rotation\n'; sleep 0.3; printf '5/5\n'; sleep 0.3; printf '\n'; sleep 0.8) |
    timeout 30 script -qfec "$M session run upper-trapezius-tp1:l --log $T/int.json" /dev/null >"$T/int.out" 2>&1
  if jq -e '.mode=="interactive" and .pain_pre==6 and .pain_post==3 and .rom=="full rotation" and
            ([.holds[0].events[].event]==["feedback","referral","feedback","released"]) and .holds[0].confirmed and
            ([.holds[0].advice[].advice] | index("ease-off") != null)' "$T/int.json" >/dev/null 2>&1
  then ok "interactive session in a terminal: keys, advice, log"
  else ko "interactive session" "$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$T/int.out" | tr '\r' '\n' | tail -15)"; fi
else ko "interactive session: script(1) not found"; fi

expect "condition list" 0 'tension-headache' -- $M condition
expect "condition shows ranked muscles with sources" 0 ' 1\. .*upper-trapezius|Sources:' -- $M condition tension-headache
expect "unknown condition suggests" 2 'did you mean tension-headache' -- $M condition tension-headach
if $M condition runners-calf --json | jq -e '.muscles[0].rank == 1 and (.sources|length) > 0' >/dev/null
then ok "condition --json"; else ko "condition --json"; fi
expect "muscle shows techniques and self-care" 0 'Self-care' -- $M muscle upper-trapezius

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
