"""English patterns of the offline extractor (see `rules`): retractions, fact rules in order,
and the chat-speech normalisation the patterns match against."""

from __future__ import annotations

import re

# Each rule: (kind, slot, compiled pattern, object group or None, flags). The slot may contain
# "{obj}" (keyed by the object) or "{g1}" (by the first group, e.g. the relation).
Rule = tuple[str, str, re.Pattern[str], int | None, str]

ADV = r"(?:really |absolutely |also |still |just |totally |kind of |kinda |so |truly |do )?"
OCC = (r"engineer|developer|programmer|teacher|nurse|doctor|lawyer|designer|manager|accountant|"
        r"student|chef|cook|writer|artist|scientist|researcher|professor|consultant|analyst|"
        r"architect|pharmacist|dentist|therapist|firefighter|officer|pilot|driver|mechanic|"
        r"electrician|plumber|photographer|musician|journalist|editor|freelancer|intern|"
        r"entrepreneur|salesman|saleswoman|barista|waiter|waitress|cashier|librarian|"
        r"veterinarian|vet|counselor|paramedic|technician|scientist|ceo|cto|founder|"
        r"data scientist|product manager|software engineer|phd student|grad student|retiree")  # fmt: skip
REL = (r"wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|son|daughter|kids?|children|"
        r"child|baby|mom|mum|mother|dad|father|parents|brother|sister|siblings?|grandma|"
        r"grandmother|grandpa|grandfather|grandparents|aunt|uncle|cousin|nephew|niece|"
        r"gf|bf|hubby|wifey|spouse|fiance|"
        r"dog|cat|puppy|kitten|pet|parrot|hamster|rabbit|bunny|fish|twins|"
        # breeds name the pet as often as "dog" does
        r"golden retriever|retriever|labrador|corgi|husky|poodle|beagle|pug|shiba|"
        r"dachshund|bulldog|terrier|shepherd|tabby|ragdoll|maine coon|siamese")  # fmt: skip
# Retractions: (pattern, object group, the slot it retracts when the verb says so). The slot lets
# a retraction meet a fact stated in the other language ("I don't work at Tencent anymore" after
# 我在腾讯工作): with no object in common, the user's one fact in that slot is the target.
Retraction = tuple[re.Pattern[str], int, str]
PET = r"dog|cat|puppy|kitten|pet|parrot|hamster|rabbit|bunny|fish|turtle|bird|corgi|husky"
RETRACT: list[Retraction] = [
    (re.compile(r"\bforget (?:that |what )?I (?:said|told you|mentioned)(?: about| that)? (.+)", re.I), 1, ""),
    (re.compile(r"\bI (?:don't|do not|dont) (?:have|own|keep) (?:a |an |my |any )?(.+?) any ?more\b", re.I), 1, ""),
    (re.compile(r"\bI no longer (?:live in|reside in) (?:a |an |the )?(.+)", re.I), 1, "place:home"),
    (re.compile(r"\bI no longer (?:work at|work for) (?:a |an |the )?(.+)", re.I), 1, "job:employer"),
    (re.compile(r"\bI no longer (?:have|own|eat|drink|play|work as|go to) (?:a |an |the )?(.+)", re.I), 1, ""),
    (re.compile(r"\bI(?:'m| am) (?:not|no longer) (?:at|with|working at|working for) (.+?)(?: any ?more\b|$)", re.I), 1, "job:employer"),
    (re.compile(r"\bI(?:'m| am) (?:not|no longer) (?:living in|in) (.+?) any ?more\b", re.I), 1, "place:home"),
    (re.compile(r"\bI(?:'m| am) (?:not|no longer) (?:a |an )?(.+?) any ?more\b", re.I), 1, ""),
    (re.compile(r"\bI (?:don't|do not|dont) (?:work at|work for|work with) (.+?) any ?more\b", re.I), 1, "job:employer"),
    (re.compile(r"\bI (?:don't|do not|dont) (?:live in) (.+?) any ?more\b", re.I), 1, "place:home"),
    (re.compile(r"\bI (?:don't|do not|dont) (?:play|eat|drink|go to|do) (.+?) any ?more\b", re.I), 1, ""),
    (re.compile(r"\bI (?:sold|gave away|got rid of) (?:my |the |our )(.+)", re.I), 1, ""),
    (re.compile(r"\bI (?:quit|left|lost) my job(?: at| with)? ?([A-Z][\w&.' -]*)?", re.I), 1, "job:employer"),
    (re.compile(r"\b(?:I|[Ww]e) (?:quit|left) ([A-Z][\w&.' -]+)"), 1, ""),
    (re.compile(r"\b(?:RIP|R\.I\.P\.?|rest in peace),? ([A-Z][a-z]+)"), 1, ""),
    (re.compile(r"\bI (?:quit|left) (?:my job as (?:a |an )?|)(.+)", re.I), 1, ""),
    (re.compile(r"\bI (?:stopped|gave up|no longer do) ([\w -]+)", re.I), 1, ""),
    (re.compile(r"\bI used to (?:live in) ([A-Z][\w .'-]+)"), 1, "place:home"),
    (re.compile(r"\bI used to (?:work at|work for) ([A-Z][\w&.' -]+)"), 1, "job:employer"),
    (re.compile(r"\bI used to (?:really )?(?:love|like|enjoy|be into|play|eat|drink|have|own) (?:a |an |my )?([\w -]+)", re.I), 1, ""),
    (re.compile(r"\bI(?:'m| am) not (allergic(?: to [\w -]+)?)", re.I), 1, ""),
    (re.compile(r"\bno more ([\w ]+?) for (?:me|us)\b", re.I), 1, ""),
    (re.compile(r"\b([A-Z][a-z]+) (?:passed away|died|ran away)\b"), 1, ""),
    (re.compile(r"\b(?:we|[A-Z][a-z]+ and I|I and [A-Z][a-z]+|my \w+ and I) (?:broke up|split up|split|called it quits|are done|are over)\b()", re.I), 1, "family:partner"),
    (re.compile(r"\b(?:I|we) (?:moved|moved out|moved away) (?:out of|away from|from) ([A-Z][\w .'-]+)"), 1, "place:home"),
    (re.compile(r"\bI (?:don't|do not|never) (?:actually |really )?(?:have|had|own|owned) (?:a |an |any )?(.+)", re.I), 1, ""),
    (re.compile(r"\b(?:ignore|disregard|scratch) (?:that|what) I (?:said|told you|mentioned)(?: about| that)? ?(.*)", re.I), 1, ""),
    (re.compile(r"\b([A-Z][a-z]+) (?:passed|crossed the rainbow bridge)\b"), 1, ""),
    (re.compile(r"\bI (?:broke up with|split up with) (?:my (?:boyfriend|girlfriend|husband|wife|partner|fianc[ée]e?) ?)?([A-Z][a-z]+)?", re.I), 1, "family:partner"),
    (re.compile(r"\bI (?:got |was |have been |'ve been )?(?:laid off|fired|let go|made redundant)(?: (?:from|by|at) ([A-Z][\w&.' -]+))?", re.I), 1, "job:employer"),
    (re.compile(rf"\bmy ((?:{PET}))s?(?: [A-Z][a-z]+)? (?:passed away|died|ran away|was put down)\b", re.I), 1, ""),
    (re.compile(r"\bI (?:quit|gave up|stopped|kicked) ([\w -]+?)(?: cold turkey| for good| completely)?(?:[,.!]|$)", re.I), 1, ""),
    (re.compile(r"\bI(?:'m| am) (?:between jobs|out of work|jobless)\b()", re.I), 1, "job:employer"),
    (re.compile(r"\bI (?:just )?(?:handed in|turned in|gave|put in|submitted) my (?:resignation|notice|two weeks)\b()", re.I), 1, "job:employer"),
]  # fmt: skip
RULES: list[Rule] = [
    ("plan", "plan:{obj}", re.compile(r"\b(?:I|we)(?:'m| am|'re| are) (?:heading|flying|leaving|going|taking|getting|starting|moving|visiting|having|seeing|meeting|running|doing|driving|traveling|travelling|attending|hosting|throwing|presenting|defending|interviewing) (.+)", re.I), 1, "future"),
    ("identity", "identity:name", re.compile(r"\b(?i:my name)(?:'s| is) ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)"), 1, ""),
    ("identity", "identity:name", re.compile(r"\b(?:call me|I'm called|I am called) ([A-Z][\w'-]+)"), 1, ""),
    ("identity", "identity:age", re.compile(r"\bI(?:'m| am| just turned| turned| will be| turn) (\d{1,3})(?: years old| yrs old| y/o| this year|\b)(?! (?:min|minutes|hours|km|miles|kg|lbs))"), 1, ""),
    ("identity", "identity:nationality", re.compile(r"\bI(?:'m| am) (?:a |an )?((?:[A-Z][a-z]+)(?:an|ese|ish|ian|ch|i|ic))\b(?! (?:food|restaurant|cuisine))"), 1, ""),
    ("identity", "identity:name", re.compile(r"\bI(?:'m| am) ([A-Z][a-z]{2,})(?: btw| by the way| here|[,.!]|$)"), 1, ""),
    ("identity", "identity:language:{obj}", re.compile(r"\bI (?:speak|can speak) (?:fluent )?([A-Z][a-z]+(?: and [A-Z][a-z]+)?)"), 1, ""),
    ("job", "job:employer", re.compile(r"\bI(?: currently| now)? work (?:at|for) ([A-Z][\w&.' -]+)"), 1, ""),
    ("job", "job:employer", re.compile(r"\bI(?:'ve| have)? (?:joined|started (?:a new job |working )?at|accepted (?:an|a job) offer (?:from|at)|landed (?:a job|an offer|a role) (?:at|with)|got (?:a (?:new )?job|an offer|hired|a (?:new )?position) (?:at|from|by|with)|took a job at|signed with|accepted an offer from) ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*)\b"), 1, ""),
    ("job", "job:employer", re.compile(rf"\bI(?:'m| am)(?: currently| now)? (?:working as )?(?:a |an )?(?:[a-z-]+ ){{0,3}}(?:{OCC}) (?:at|for|with) ([A-Z][\w&.' -]+)", re.I), 1, ""),
    ("job", "job:title", re.compile(rf"\bI(?:'m| am)(?: currently| now)? (?:working as )?(?:a |an )?((?:[a-z-]+ ){{0,3}}(?:{OCC}))\b", re.I), 1, ""),
    ("job", "job:employer", re.compile(r"\bI work as (?:a |an )?[\w -]+? (?:at|for) ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*)"), 1, ""),
    ("job", "job:title", re.compile(r"\bI work as (?:a |an )?([\w -]+)", re.I), 1, ""),
    ("job", "job:employer", re.compile(r"\bI(?:'ve| have) been (?:at|with|working at|working for) ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*)"), 1, ""),
    ("job", "job:employer", re.compile(r"\bI (?:work|am working|'m working) (?:at|for) (?:a |an )((?:small |big |tiny |large |local |tech |software |consulting |law |design |marketing )*(?:startup|company|firm|agency|bank|hospital|school|university|nonprofit|restaurant|bakery|store|shop|lab))\b", re.I), 1, ""),
    ("job", "job:title", re.compile(r"\bI(?:'m| am) (?:now )?(freelancing|self-employed|unemployed|retired|a stay-at-home (?:mom|dad|parent))\b", re.I), 1, ""),
    ("job", "job:title", re.compile(r"\bI (?:started|founded|launched|opened) (?:my own|a) (company|business|startup|shop|bakery|studio|practice)\b", re.I), 1, ""),
    ("job", "job:employer", re.compile(r"\bI got (?:a |an )?(?:job )?offer from ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*) and (?:took|accepted) it"), 1, ""),
    ("job", "job:title", re.compile(r"\bI(?:'ve| have)? (?:just )?(?:got |been |was )?promoted to (?:a |an )?([\w -]+)", re.I), 1, ""),
    ("job", "job:employer", re.compile(r"\bI(?:'m| am) (?:currently |now )?(?:working|employed|interning) (?:at|for) ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*)"), 1, ""),
    ("job", "job:title", re.compile(r"\bI(?:'ve| have| just| finally| officially)* (retired)\b", re.I), 1, ""),
    ("job", "job:employer", re.compile(r"^I(?:'m| am) (?:now )?(?:at|with) ([A-Z][\w&.'-]+(?: [A-Z][\w&.'-]+)*)(?: now| these days)?[.!]*$"), 1, ""),
    ("place", "place:home", re.compile(r"^I(?:'m| am) (?:now )?in ([A-Z][\w.'-]+(?: [A-Z][\w.'-]+)*) (?:now|these days)[.!]*$"), 1, ""),
    ("job", "job:title", re.compile(r"\bmy (?:job|profession|occupation) is (?:a |an )?([\w -]+)", re.I), 1, ""),
    ("job", "job:school", re.compile(r"\bI(?:'m| am)? (?:studying|majoring in|study|major in|doing a (?:phd|master'?s|degree) in) ([\w -]+?)(?: at ([A-Z][\w .'-]+))?(?:[,.!?]|$)", re.I), 1, ""),
    ("family", "family:partner", re.compile(r"\b(?:I|we|[A-Z][a-z]+ and I)(?:'m| am|'re| are| just got| got|'ve just gotten|'re getting| are getting|'re officially| are officially)(?: finally| officially)? (married|engaged|divorced|single|separated|widowed)\b", re.I), 1, ""),
    ("family", "family:{g1}", re.compile(rf"\bmy ((?:{REL}))\b(?:,? [A-Z][a-z]+,?)?(?:'s| is| are| was| named| called| just| lives| live| works| work| has| have| loves| likes| turned| started| got)(.*)", re.I), 1, ""),
    ("family", "family:{obj}", re.compile(rf"\b(?:I|[Ww]e)(?:'ve| have)? (?:have|got|adopted|now have|own|rescued|brought home) (?:a |an |two |three |four |\d+ )?(?:\d+[- ]years?[- ]old |\d+[- ]month[- ]old )?((?:little |baby |new |older |younger |twin )?(?:{REL})s?)\b", re.I), 1, ""),
    ("place", "place:home", re.compile(r"\bI(?: currently| now| still)? (?:live|am living|'m living|reside|am based|'m based) in ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\b(?:I|[Ww]e)(?:'ve| have)?(?: just| recently| finally| officially| now)? (?:moved|relocated|settled) (?:back |over |down |all the way |out )?(?:from [A-Z][\w.'-]*(?: [A-Z][\w.'-]*)* )?(?:to|into|in) ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\b(?:I|[Ww]e)(?:'ve| have) been (?:living|based) in ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\b(?:I|[Ww]e)(?:'m| am|'re| are) (?:now )?(?:living|based|settled) in ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\b(?:[Ww]e|[Oo]ur family|[Tt]he family) (?:live|lives|reside) in ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\b(?:I|[Ww]e) (?:rent|own|have|share) (?:a |an |our |my )?(?:small |tiny |new |little )?(?:apartment|flat|house|place|condo|studio|home) in ([A-Z][\w .'-]+)"), 1, ""),
    ("family", "family:partner", re.compile(r"\bI(?:'m| am) (?:in a (?:serious |long[- ]distance |new )?relationship|seeing someone|taken)\b()", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI (?:usually |often |always )?go ([a-z]+ing)\b", re.I), 1, ""),
    ("place", "place:origin", re.compile(r"\bI(?:'m| am| come| originally come) (?:originally )?from ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:origin", re.compile(r"\b(?:I grew up in|I was born in|my hometown is) ([A-Z][\w .'-]+)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI(?:'m| am) (?:severely |very |mildly )?allergic to ([\w -]+)", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI was diagnosed with ([\w -]+)", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI(?:'m| am| have been|'ve been| went| still am|'m still| am still|'ve gone| have gone| became|'ve become| turned) (?:fully |completely |officially )?(?:a |an )?(vegetarian|vegan|pescatarian|lactose intolerant|gluten[- ]free|diabetic|pregnant|sober)\b", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI (?:have|was diagnosed with|suffer from) (asthma|diabetes|migraines?|high blood pressure|a bad back|celiac(?: disease)?|adhd|anxiety|insomnia|arthritis|a peanut allergy|[\w ]+ allergy)\b", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI (?:broke|sprained|injured|hurt|twisted) my ([\w ]+)", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI can(?:'t|not) (?:eat|drink|have) ([\w -]+)", re.I), 1, ""),
    ("dislike", "taste:{obj}", re.compile(rf"\bI {ADV}(?:don't|do not|dont|never) (?:really )?(?:like|enjoy|love|eat|drink)\s+(.+)", re.I), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(r"\bI (?:no longer|don't really|do not really) (?:like|love|enjoy|care for)\s+(.+)", re.I), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(rf"\bI {ADV}(?:hate|despise|dislike|detest|loathe|can't do|cannot do|can't stand|cannot stand|can't bear|avoid)\s+(.+)", re.I), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(r"\bI(?:'m| am) (?:so |totally |kinda |completely )?(?:not a (?:big |huge )?fan of|not into|sick of|tired of|over|done with)\s+(.+)", re.I), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'m| am) (?:so |totally |really |kind of |kinda )?(?:obsessed with|into|addicted to|hooked on|passionate about|a (?:huge |big )?fan of)\s+(.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'m| am) an? (?:huge |big |massive |die-hard )?([\w ]+?) fan\b", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI (?:loved|liked|enjoyed|adored)\s+(.+)", re.I), 1, ""),
    ("preference", "favorite:{cat}", re.compile(r"\bmy (?:favou?rite|fave) (?P<cat>[\w ]+?)(?: these days| now| at the moment| lately| right now| nowadays)? (?:is|are|has to be|would be)(?: now| still| probably| definitely)? (.+)", re.I), 2, ""),
    ("preference", "taste:{obj}", re.compile(r"^([\w' -]{3,40}?) (?:is|are) (?:my|probably my) (?:favou?rite|fave) (?:thing|hobby|activity|sport|food|drink|pastime|way)\b", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'ve| have)? (?:started|taken up|took up|picked up|gotten into|got into|getting into|been getting into|am learning|'m learning|am getting into|'m getting into|switched to|switched over to) (?:to (?:like|love|enjoy) |liking |loving |enjoying )?(?!(?:a |my )?(?:new )?(?:job|work|working|position|role)\b)([\w -]+)", re.I), 1, ""),
    ("family", "family:partner", re.compile(r"\bI(?:'m| am) (?:seeing|dating) (?:someone|somebody|(?:a )?(?:guy|girl|man|woman)\b|([A-Z][a-z]+))", re.I), 1, ""),
    ("family", "family:{obj}", re.compile(rf"\bwe (?:got|adopted) (?:a |an |another |a second |a new |new )+(?:pet,? )?(?:a |an )?((?:{REL}))", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(rf"\bI {ADV}(?:like|love|enjoy|adore|prefer|am into|'m into|am obsessed with|'m obsessed with|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|am passionate about|'m passionate about)\s+(.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\b(?:I(?:'ve| have) been (?:learning|practicing|playing)|my (?:new |latest |current )?(?:hobby|obsession) is|my hobbies are|I play|I collect|in my free time I)\s+(.+)", re.I), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"\bI(?:'m| am) (?:going|planning|hoping|about|getting ready|preparing) to (.+)", re.I), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"\bI (?:plan|intend|hope|want|need|decided|have decided|'ve decided) to (.+)", re.I), 1, "future"),
    ("plan", "plan:{obj}", re.compile(r"\bI(?:'ll| will|'m gonna| am gonna|'m going) (.+)", re.I), 1, "future"),
    ("plan", "plan:{obj}", re.compile(r"\bI have (?:a |an |my )?([\w -]*(?:appointment|interview|exam|meeting|flight|trip|wedding|surgery|date|test)\b.*)", re.I), 1, "future"),
    ("possession", "possession:{obj}", re.compile(r"\bI (?:drive|ride) (?:a |an |my )([\w -]+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI (?:usually |always |often |regularly )?(?:drink|eat|practice|do) (?!(?:my|the|a|an|some|it|that|this|what|all)\b)([\w -]+?) (?:every|each|daily|most|on|at|before|after|in the)\b", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI (?:usually |always |often |regularly )?(run|jog|swim|cycle|bike|hike|meditate|surf|ski|climb|dance|knit|bake|paint|draw)\b(?! (?:a|an|the|my|our|into|out|to)\b)", re.I), 1, ""),
    ("possession", "possession:{obj}", re.compile(r"\bI (?:just |recently |finally )?(?:bought|got|purchased|own|have|picked up) (?:a |an |my |myself a |myself an |two |new |a new |an old |a used )+(?!(?:new )?(?:job|position|role|offer|promotion|raise)\b)([\w -]+)", re.I), 1, ""),
    ("event", "event", re.compile(r"\b(?:I|we|my \w+ and I)(?: finally| just| also)? (?:went|visited|attended|ran|finished|completed|started|won|met|saw|watched|took|had|made|celebrated|graduated|got|flew|drove|traveled|travelled|hiked|climbed|cooked|baked|painted|read|wrote|joined|passed|failed|lost|bought|adopted|spent|tried|learned|learnt|moved|came back|returned|gave|volunteered|performed|played|signed up|[a-z]+ed)\b(.*)", re.I), 1, "past"),
]  # fmt: skip

LEAD = re.compile(r"^(?:(?:yeah|yes|yep|yup|well|so|oh|ok|okay|honestly|btw|by the way|lol|"
                      r"haha|anyway|actually|fyi|also|and|but)\b[,!.]?\s*)+", re.I)  # fmt: skip
FILLER = re.compile(r"\b(I(?:'m| am|'ve| have)?|[Ww]e(?:'re| are|'ve| have)?) (?:(?:also|really|still|just|actually|honestly|"
                        r"totally|definitely|now|recently|lately|finally|even|kinda|literally|"
                        r"seriously|absolutely|truly|basically|currently|officially) )+", re.I)  # fmt: skip
NO_SUBJECT = re.compile(r"^(?:(?:just|finally|recently|also|now|officially) )*(?=(?:[a-z]+ed(?! (?:of|with|about|to|that|by)\b)|turned|moved|sold|quit|"
                            r"left|started|bought|got|joined|adopted|picked up|took up|switched|"
                            r"relocated|live|living|work|working|love|hate|like|can't stand|"
                            r"no longer|don't|not|still|retired|got promoted|been)\b)",
                            re.I)  # fmt: skip
INTENT = re.compile(r"\b(plan|intend|decided|going to|gonna|'ll|will|hope to|want to)\b", re.I)
STRONG_EVENT = re.compile(r"\b(went|visited|attended|ran|finished|completed|graduated|won|"
                              r"celebrated|adopted|married|traveled|travelled|flew|moved|signed up|registered)\b", re.I)  # fmt: skip
# Chat spellings the patterns would miss: "i", "im", "dont", curly apostrophes.
CHAT = [(re.compile(r"[\u2018\u2019]"), "'"), (re.compile(r"\bi\b"), "I"),
        (re.compile(r"\b(?:im|i'm)\b", re.I), "I'm"), (re.compile(r"\bive\b", re.I), "I've"),
        (re.compile(r"\bdont\b", re.I), "don't"), (re.compile(r"\bcant\b", re.I), "can't"),
        (re.compile(r"\bdoesnt\b", re.I), "doesn't"), (re.compile(r"\bdidnt\b", re.I), "didn't"),
        (re.compile(r"\bwe're\b|\bwere now\b", re.I), "we're")]  # fmt: skip
# A lowercase name after a verb that takes a place or an employer, capitalised for the patterns
# ("moved to shanghai"); articles and possessives are left alone.
NAME_AFTER = re.compile(r"\b((?:live|living|lives|moved|relocated|based|settled|work|working|works|"
                        r"joined|from|quit|left) (?:back )?(?:in|to|at|for|from)? ?)"
                        r"(?!(?:a|an|the|my|our|his|her|their|this|that|home|here|there|it|"
                        r"some|work|school|college|town|the)\b)([a-z][a-z]+)\b")  # fmt: skip
# A subject other than the speaker: what follows is about them, not about the user.
THIRD = re.compile(
    rf"^(?:he|she|they|his|her|their|it|(?:my|our) (?:{REL})s?\b(?: [A-Z][a-z]+)?)(?:'s|\b)", re.I
)
PRONOUNS = frozenset({"it", "that", "this", "them", "those", "these", "one", "him", "her",
                      "there", "here", "so", "too", "mine", "stuff", "things"})  # fmt: skip
# After a clause that says something, "and"/"but"/"so" before a new subject starts another.
CONJ = re.compile(r"(?<=\w)\s+(?:and|but|so|plus|and also|and now|but now|but these days|yet)\s+(?=(?:I|I'm|I've|we|we're|my|our|"
                  r"joined|started|got|moved|bought|sold|quit|left|adopted|switched)\b)")  # fmt: skip
