from waymark import Workflow, workflow

TEMPLATES = {"en": "Hello %s", "fr": "Bonjour %s"}
SEEN = ["a"]
NESTED = {"en": ["x"]}
QUOTES = str.maketrans({"\u2019": "'"})


@workflow
class ChangedTableWorkflow(Workflow):
    async def run(self, locale: str) -> str:
        TEMPLATES["de"] = "Hallo %s"  # error: WM132 @9
        TEMPLATES[locale] += "!"  # error: WM132 @9
        del TEMPLATES["fr"]  # error: WM132 @13
        SEEN.append(locale)  # error: WM132 @9
        NESTED["en"].extend(SEEN)  # error: WM132 @9
        SEEN.sort(key=len)  # error: WM132 @9
        QUOTES[ord("`")] = "'"  # error: WM132 @9
        QUOTES.update(str.maketrans("a", "b"))  # error: WM132 @9
        mine = dict(TEMPLATES)
        mine["de"] = "Hallo %s"
        return mine.get(locale, TEMPLATES["en"]).translate(QUOTES)
