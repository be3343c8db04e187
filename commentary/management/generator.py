"""A deterministic synthetic archive for benchmarks and scale tests (``generate_archive``).

Realistic in what matters to search and lists: Chinese, English and mixed statements of
the seed's lengths (60–250 characters) drawn from an arms-control, diplomacy and
technology vocabulary with Zipf-like frequencies, so there are very common terms (中国 in
about half the statements, China in one in five) and rare ones (氘氚, 核军备竞赛,
"hypersonic glide vehicle" in about 0.1 %); experts with Latin and Chinese names, some
with other spellings; dated affiliations at organisations; outlets and sources; about 3 %
joint statements; about 20 % translations of another statement; topics; collections;
about 1 % drafts, statements in review and withdrawn ones. One expert (the first) has
1 % of all statements, for the "prolific expert" page.

The same ``seed`` gives the same archive. Rows are written in bulk (PostgreSQL ``COPY``,
SQLite ``executemany``) with the search documents computed here, so no signal runs. On
PostgreSQL the statement tables' indexes (the GIN index among them) and constraints are
dropped during the load and rebuilt afterwards.
"""

import datetime
import random
import time
from itertools import accumulate

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from ..choices import CitationRole, DatePrecision, QuoteKind, Status
from ..counting import stored
from ..models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
)
from ..search import text as search_text

_ZH_WORDS = """中国 美国 俄罗斯 条约 核武器 军备控制 军备 战略 稳定 谈判 核查
透明度 导弹 弹头 部署 安全 国际 合作 对话 威胁 风险 危机 裁军 不扩散
外交 政府 总统 外长 专家 研究 分析 未来 机制 框架 协议
到期 延长 限制 数量 上限 新 削减 发展 技术 人工智能 网络 太空 高超音速 武器 防御 系统 力量 平衡
竞争 对抗 信任 措施 承诺 义务 责任 地区 全球 欧洲 亚洲 北约 联合国 核大国 军备竞赛 战略武器 会谈
声明 立场 回应 政策 局势 前景 挑战 机遇 影响 后果 可能 必须 应该 继续 重新 恢复 保持 加强 减少
增加 避免 防止 支持 反对 呼吁 认为 表示 指出 强调 希望 担心 警告 提出 时代 世界 和平 冲突 战争
经济 数据 能力 透明 信息 交换 通报 视察 现场 卫星 监测 预警 误判 升级 管控 沟通 渠道 热线 的 了
是 在 和 与 对 将 也 不 这 一个 我们 他们 已经 没有 可以 目前 之后 之前 同时 因此 但是 如果 双方"""
ZH_RARE = ["氘氚", "核军备竞赛", "波德维格", "洲际弹道导弹", "战术核武器", "核门槛"]
_EN_WORDS = """the of and to a in that is for on with as by this it be not are was will at from
treaty nuclear arms control strategic stability new start russia united states china chinese
weapons warheads missiles limits verification inspections transparency data exchange expire
expiry extension negotiations talks dialogue security international cooperation risk crisis
race deterrence disarmament nonproliferation diplomacy government president minister expert
analysis future framework agreement launchers bombers submarines deployed reductions caps
technology artificial intelligence cyber space hypersonic defense systems balance competition
trust measures commitments obligations region global europe asia nato moscow washington beijing
pentagon kremlin council statement position response policy outlook challenge consequences
must should could would continue restore maintain strengthen reduce avoid prevent support oppose
urge believe said warned noted stressed hope concern era world peace conflict war escalation
miscalculation communication channels hotline satellites monitoring early warning"""
EN_RARE = ["hypersonic glide vehicle", "tritium", "Kühn", "telemetry"]
_FIRST = """Anna Pavel Maria John Olga Li Wei Jean Hans Sofia Ahmed Yuki Carlos Elena Peter Fatima
Ivan Chen Laura Omar Noël Zoë Björn Agnès Dmitri Kenji Priya Tomás Ingrid Rahul"""
_LAST = """Smith Petrov Müller García Wang Zhang Kim Dupont Rossi Novak Ivanova Tanaka Silva
Kowalski Hansen Nguyen Cohen Haddad Schmidt Martin Kühn Barrot Podvig Lewis Acton Gottemoeller
Ryabkov Arbatov Fitzpatrick Zhao"""
ZH_WORDS, EN_WORDS = _ZH_WORDS.split(), _EN_WORDS.split()
FIRST, LAST = _FIRST.split(), _LAST.split()
ZH_SYLLABLES = list("安德森彼得罗夫穆勒加西亚王张金杜邦罗西诺瓦克伊万诺娃田中席尔瓦科瓦尔斯基汉森")
ORG_FIELDS = [
    "Arms Control",
    "Strategic Studies",
    "Peace Research",
    "Security Policy",
    "International Affairs",
    "Nuclear Policy",
    "Technology and Security",
]
ORG_FIELDS_ZH = ["军备控制", "战略研究", "和平研究", "安全政策", "国际事务", "核政策", "技术与安全"]
ORG_FORMS = [
    ("Institute for {}", "{}研究所"),
    ("Centre for {}", "{}中心"),
    ("{} Programme", "{}项目"),
    ("Council on {}", "{}委员会"),
]
TOPICS = [
    ("Arms control", "军备控制"),
    ("Nuclear weapons", "核武器"),
    ("Diplomacy", "外交"),
    ("Verification", "核查"),
    ("Missile defence", "导弹防御"),
    ("Space", "太空"),
    ("Artificial intelligence", "人工智能"),
    ("Cyber security", "网络安全"),
    ("Deterrence", "威慑"),
    ("Non-proliferation", "不扩散"),
]
ROLES = [
    ("director", "主任"),
    ("senior fellow", "高级研究员"),
    ("professor", "教授"),
    ("minister", "部长"),
    ("spokesperson", "发言人"),
    ("analyst", "分析员"),
]
COUNTRY_CODES = [
    "US",
    "RU",
    "CN",
    "GB",
    "FR",
    "DE",
    "IN",
    "JP",
    "KR",
    "UA",
    "PL",
    "IT",
    "ES",
    "CA",
    "AU",
    "BR",
    "IR",
    "IL",
    "PK",
    "TR",
    "SE",
    "NO",
    "CH",
    "NL",
    "BE",
]


def _zipf(words, exponent=1.0):
    return list(words), list(accumulate(1 / (rank + 1) ** exponent for rank in range(len(words))))


class Generator:
    def __init__(self, quotes, experts, seed, stdout=None):
        self.n_quotes, self.n_experts = quotes, experts
        self.rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
        self.stdout = stdout
        self.zh = _zipf(ZH_WORDS)
        self.en = _zipf(EN_WORDS)
        self.now = timezone.now()

    # Text ---------------------------------------------------------------------------

    def _words(self, vocabulary, count):
        words, weights = vocabulary
        return self.rng.choices(words, cum_weights=weights, k=count)

    def chinese(self):
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(1, 3)):
            words = self._words(self.zh, rng.randint(6, 22))
            if rng.random() < 0.15:
                words.insert(rng.randrange(len(words)), "中国")
            if rng.random() < 0.006:
                words.insert(rng.randrange(len(words)), rng.choice(ZH_RARE))
            for _ in range(len(words) // 8):
                words.insert(rng.randrange(1, len(words)), "，")
            sentences.append("".join(words) + rng.choice("。。。！？"))
        return "".join(sentences)

    def english(self):
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(1, 2)):
            words = self._words(self.en, rng.randint(10, 30))
            if rng.random() < 0.12:
                words.insert(rng.randrange(len(words)), "China")
            if rng.random() < 0.005:
                words.insert(rng.randrange(len(words)), rng.choice(EN_RARE))
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        return " ".join(sentences)

    def statement_text(self, language):
        if language == "en":
            return self.english()
        if self.rng.random() < 0.25:  # Chinese with an English part, as in the seed
            return self.chinese() + " " + self.english()
        return self.chinese()

    # Rows ---------------------------------------------------------------------------

    def run(self):
        loader = Loader()
        with transaction.atomic():
            if not Country.objects.exists():
                call_command("loaddata", "countries", verbosity=0)
            loader.prepare()
            self.dimensions(loader)
            self.statements(loader)
            loader.flush()
            self.collections(loader)
            loader.flush()
            loader.finish()
            started = time.perf_counter()
            stored.recount_everything()  # bulk rows send no signals
            self.log(f"Stored counts recounted in {time.perf_counter() - started:.1f} s.")

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    def dimensions(self, loader):
        rng = self.rng
        present = set(Country.objects.filter(code__in=COUNTRY_CODES).values_list("pk", flat=True))
        countries = [code for code in COUNTRY_CODES if code in present]
        self.topics = []
        for name, name_zh in TOPICS:
            self.topics.append(loader.add(Topic, name=name, name_zh=name_zh, slug="topic-{pk}"))
        n_orgs = max(5, self.n_experts // 20)
        self.orgs, org_names = [], {}
        for i in range(n_orgs):
            field = rng.randrange(len(ORG_FIELDS))
            form, form_zh = rng.choice(ORG_FORMS)
            name = form.format(ORG_FIELDS[field]) + f" {i}"
            name_zh = form_zh.format(ORG_FIELDS_ZH[field]) + f"{i}"
            short = f"I{i}" if i % 10 == 0 else ""
            pk = loader.add(
                Organization,
                name=name,
                name_zh=name_zh,
                short_name=short,
                slug="org-{pk}",
                kind="think_tank",
                country_id=rng.choice(countries),
            )
            self.orgs.append(pk)
            org_names[pk] = (name, name_zh, short)
        n_outlets = max(5, self.n_quotes // 2000)
        outlets, outlet_names = [], {}
        for i in range(n_outlets):
            name, name_zh = f"The Daily Record {i}", f"每日纪事{i}"
            pk = loader.add(
                Outlet,
                name=name,
                name_zh=name_zh,
                slug="outlet-{pk}",
                kind="newspaper",
                country_id=rng.choice(countries),
            )
            outlets.append(pk)
            outlet_names[pk] = (name, name_zh)
        n_sources = max(10, self.n_quotes // 10)
        self.sources, self.source_names = [], {}
        for i in range(n_sources):
            outlet = rng.choice(outlets)
            title = " ".join(self._words(self.en, rng.randint(3, 8))).capitalize()
            day = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(6000))
            pk = loader.add(
                Source,
                outlet_id=outlet,
                title=title,
                kind="article",
                url=f"https://news.example.org/{i}",
                published_on=day,
            )
            self.sources.append(pk)
            self.source_names[pk] = (title, *outlet_names[outlet])
        self.experts, self.expert_names, self.roles = [], {}, {}
        for _ in range(self.n_experts):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            name_zh = (
                "".join(rng.choices(ZH_SYLLABLES, k=rng.randint(2, 4)))
                + "·"
                + "".join(rng.choices(ZH_SYLLABLES, k=rng.randint(2, 3)))
            )
            pk = loader.add(
                Expert,
                name=name,
                name_zh=name_zh,
                sort_name=f"{last}, {first}",
                slug="expert-{pk}",
                country_id=rng.choice(countries),
            )
            names = [name, name_zh]
            other = search_text.fold(name).title()  # "Noel Kuhn" for "Noël Kühn"
            if other != name and rng.random() < 0.5:
                loader.add(ExpertName, expert_id=pk, name=other, language="en")
                names.append(other)
            org = rng.choice(self.orgs)
            role, role_zh = rng.choice(ROLES)
            start = datetime.date(rng.randint(1995, 2020), 1, 1)
            affiliation = loader.add(
                Affiliation,
                expert_id=pk,
                organization_id=org,
                role=role,
                role_zh=role_zh,
                start_date=start,
            )
            if rng.random() < 0.3:
                loader.add(
                    Affiliation,
                    expert_id=pk,
                    organization_id=rng.choice(self.orgs),
                    role=role,
                    role_zh=role_zh,
                    is_former=True,
                    position=1,
                )
            self.experts.append(pk)
            self.expert_names[pk] = (*names, *org_names[org])
            self.roles[pk] = affiliation
        self.log(f"{len(self.experts)} experts, {n_orgs} organisations, {n_sources} sources.")

    def _speaker(self):
        """The first expert has 1 % of the statements; the rest favour low numbers."""
        if self.rng.random() < 0.01:
            return self.experts[0]
        return self.experts[int(len(self.experts) * self.rng.random() ** 1.5)]

    def statements(self, loader):
        rng = self.rng
        start = datetime.date(2010, 1, 1)
        self.quote_ids, languages = [], []
        for i in range(self.n_quotes):
            language = "zh-Hans" if rng.random() < 0.6 else "en"
            original = None
            if self.quote_ids and rng.random() < 0.2:  # a translation of an earlier statement
                index = rng.randrange(len(self.quote_ids))
                original = self.quote_ids[index]
                language = "en" if languages[index] != "en" else "zh-Hans"
            text = self.statement_text(language)
            said_on, precision = (
                start + datetime.timedelta(days=rng.randrange(6000)),
                DatePrecision.DAY,
            )
            roll = rng.random()
            if roll < 0.01:
                said_on = None
            elif roll < 0.03:
                said_on, precision = said_on.replace(month=1, day=1), DatePrecision.YEAR
            elif roll < 0.1:
                said_on, precision = said_on.replace(day=1), DatePrecision.MONTH
            roll = rng.random()
            status = Status.PUBLISHED
            if roll < 0.004:
                status = Status.DRAFT
            elif roll < 0.007:
                status = Status.REVIEW
            elif roll < 0.01:
                status = Status.WITHDRAWN
            speakers = [self._speaker()]
            if rng.random() < 0.03:
                speakers += [rng.choice(self.experts) for _ in range(rng.randint(1, 2))]
                speakers = list(dict.fromkeys(speakers))
            sources = [rng.choice(self.sources)]
            if rng.random() < 0.1:
                sources = list(dict.fromkeys([*sources, rng.choice(self.sources)]))
            names = [
                *(name for e in speakers for name in self.expert_names[e]),
                *(name for s in sources for name in self.source_names[s]),
            ]
            pk = loader.add(
                Quote,
                text=text,
                language=language,
                kind=rng.choices(QuoteKind.values, [6, 2, 2])[0],
                said_on=said_on,
                date_precision=precision,
                status=status,
                original_id=original,
                translator="Archive translation desk" if original else "",
                created_at=self.now,
                updated_at=self.now,
                search_text=search_text.document(text),
                search_names=search_text.names_document(names),
            )
            self.quote_ids.append(pk)
            languages.append(language)
            for position, expert in enumerate(speakers):
                loader.add(
                    QuoteSpeaker,
                    quote_id=pk,
                    expert_id=expert,
                    affiliation_id=self.roles[expert],
                    position=position,
                )
            for position, source in enumerate(sources):
                loader.add(
                    Citation,
                    quote_id=pk,
                    source_id=source,
                    position=position,
                    role=CitationRole.FIRST if position == 0 else CitationRole.RELAY,
                )
            for topic in rng.sample(self.topics, rng.randint(1, 2)):
                loader.add(Quote.topics.through, quote_id=pk, topic_id=topic)
            if (i + 1) % 50_000 == 0:
                loader.flush()
                self.log(f"{i + 1} statements")

    def collections(self, loader):
        rng = self.rng
        for i in range(min(20, max(1, self.n_quotes // 1000))):
            pk = loader.add(
                Collection,
                title=f"Round-up {i}",
                title_zh=f"综述{i}",
                slug="roundup-{pk}",
                status=Status.PUBLISHED,
                published_on=datetime.date(2026, 2, 1),
            )
            section = loader.add(
                CollectionSection, collection_id=pk, title="Statements", slug="statements"
            )
            chosen = rng.sample(self.quote_ids, min(100, len(self.quote_ids)))
            for position, quote in enumerate(chosen):
                loader.add(CollectionEntry, section_id=section, quote_id=quote, position=position)


class Loader:
    """Buffers rows per table and writes them in bulk, with ids it hands out itself."""

    def __init__(self):
        self.rows, self.next_id, self.columns, self.defaults = {}, {}, {}, {}
        self.postgres = connection.vendor == "postgresql"

    # The tables that grow with the number of statements: on PostgreSQL their secondary
    # indexes and constraints are dropped before the load and rebuilt after it, which is
    # several times faster than maintaining them row by row.
    BIG_TABLES = (
        "commentary_quote",
        "commentary_quotespeaker",
        "commentary_citation",
        "commentary_quote_topics",
    )

    def prepare(self):
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            # Deferred foreign-key checks still pending in this transaction would forbid
            # altering the tables: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)
                AND contype IN ('f', 'u') ORDER BY contype DESC""",
                [list(self.BIG_TABLES)],
            )
            self.constraints = cursor.fetchall()
            for table, name, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
                AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')""",
                [list(self.BIG_TABLES)],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def finish(self):
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for _name, definition in self.indexes:
                    cursor.execute(definition)
                for table, name, definition in reversed(self.constraints):
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.columns)):
                    cursor.execute(sql)
            cursor.execute("ANALYZE")

    def _table(self, model):
        if model not in self.columns:
            fields = model._meta.local_fields
            self.columns[model] = [f.column for f in fields]
            self.defaults[model] = {f.column: f.get_default() for f in fields}
            if "version" in self.defaults[model]:
                self.defaults[model]["version"] = 1  # as if saved once (optimistic locking)
            latest = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next_id[model] = (latest or 0) + 1
            self.rows[model] = []
        return self.columns[model]

    def add(self, model, **values):
        columns = self._table(model)
        pk = self.next_id[model]
        self.next_id[model] += 1
        row = {**self.defaults[model], "id": pk, **values}
        if "slug" in values:  # "expert-{pk}": unique however many times the generator runs
            row["slug"] = values["slug"].format(pk=pk)
        self.rows[model].append(tuple(row[c] for c in columns))
        return pk

    def flush(self):
        for model, rows in self.rows.items():
            if rows:
                self._write(model, rows)
                rows.clear()

    def _write(self, model, rows):
        table, columns = model._meta.db_table, self.columns[model]
        with connection.cursor() as cursor:
            if self.postgres:
                names = ", ".join(columns)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(columns)
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (model names)
                cursor.executemany(sql, rows)
