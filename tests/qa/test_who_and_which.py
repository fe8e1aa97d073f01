"""Who holds a role, which event a date belongs to, and details a passage names or leaves out."""
from __future__ import annotations

import pytest

from qa.answer_types import other_holder, roles_in
from qa.question import DATE, PERSON_OR_ORG, QUANTITY, analyse

BARROW = """# Barrow rights report 2024

## Opposition

On 3 May, police arrested Ivo Lant, the deputy chair of the opposition Green Union (GU), in Ostra after he called for a boycott. He was charged with incitement.

On 14 July, the party's chair, Nela Rusk, was arrested at Ostra airport on her return from abroad. Ostra City Court sentenced her to six years in November.

The Green Union was struck off the ballot on 2 September by the electoral commission.

## Civil society

The legal aid group Fairhold was dissolved by the Supreme Court on 8 October in a case brought by the Ministry of Justice. In December, the Constitutional Court upheld the dissolution of Fairhold.

The Ministry of Education closed 12 private schools, saying they lacked proper licences.

A student, Pero Dahl, died in custody in March. Prosecutors closed the investigation into his death on 30 July. His father, Aron Dahl, brought a complaint against the closure before the city court. His brother, Emil Dahl, was released in June after three months in detention. In September, a judge ordered the release of Ivo Lant. This was appealed by the prosecutor and he stayed in Ostra prison.

## Laws

On 22 June, parliament adopted a media law. The housing law requires 90 days' written notice before any eviction. The 2019 peace accord between the government and the northern movements collapsed and fighting resumed.

In May, parliament passed a foreign funding act requiring NGOs to disclose their donors. The act is due to enter into force on 1 March 2025.

## Evictions

Police demolished 200 homes in the Orla Valley in May. Nine people were injured, including 71-year-old Mira Sten, who suffered a broken arm. Barrow, Ostra and Lisk formed an economic confederation in August.

The Vell, herders of the northern plains, number about 5,000 and lost grazing land to the dam.

## Trials

In September, the Special Court convicted 23 union members of "rebellion" and sentenced them to between eight and 15 years in prison. Police arrested 120 protesters at the port of Lisk in August. On 24 August, 100 of them were remanded in custody. Of the 312 people detained after the May protests, 40 were charged with rioting.

## Elections and courts

The Commission on Missing Persons registered 63 new cases of enforced disappearance in 2024, compared with 58 in 2023.[^1] President Arno Vesk postponed the local elections scheduled for October, citing insecurity in the north. President Arno Vesk won a third term in February; official turnout was 41%, compared with 63% in the 2019 election. The Supreme Court commuted the death sentence of Viktor Hale, who was 17 at the time of the alleged offence, to 20 years in prison.

## Killings

In July, soldiers killed at least 14 men in Abole village during a search operation. Witnesses said the victims were shot at home.[^2] The army said those killed were rebel fighters. In August, the Prosecutor General's Office closed its inquiry into the Abole killings. A commission of inquiry led by retired judge Mira Holt submitted its report on the killings to the President in October, but the report had not been made public by the end of the year.

In May, police fired on a crowd in Ostra. Two marchers, including 16-year-old Lina Serr, died of their wounds.

In March, riot police used tear gas and rubber bullets on protesters in Ostra. Interior minister Ilse Marovec told parliament on 13 March that the police had "acted proportionately".

## Evictions by province

The table below shows the number of households forcibly evicted in each province, as documented by the Lisk Legal Centre.

| Province | 2023 | 2024 |
|---|---|---|
| Orla | 120 | 200 |
| Lisk | 80 | 95 |

## Writers

In March, economist Sara Veld was arrested over her book on the budget. In September, she was convicted of defamation and fined.

In April, Amadou Kone, a lieutenant colonel in the gendarmerie, was arrested after publishing a book about abuses by the army. The accusations against him were not disclosed.

## Women

The national helpline for survivors of violence, which had received 9,000 calls in 2023, closed in March for lack of funds. The women's group Sela documented 143 femicides, up from 129 in 2023. Sela said that at least nine women had died as a result of unsafe abortions since 2021. Shelters took in 410 women in the first six months of the year.

## Media

By December, the media regulator had blocked 37 news and human rights websites. Information minister Ela Varn said the blocks were necessary "to protect citizens from foreign lies".

## Mines

A tunnel collapsed at the Kell mine in February. Shift supervisors had ignored warnings about the roof for weeks.

## Water

Families in the Lisk valley received 15 litres of water a day in the dry season. A court fined the water company 40,000 korun for cutting supplies. In a second case, Justice Hana Okonde found the company negligent on 19 June.

The Water Agency (WA) logged 63 complaints about supplies in 2024, more than in any year before. The WA's director-general, Celia Marnoto, is responsible for checking every complaint.

## Health

A cholera outbreak in the Lisk valley infected 4,200 people and killed 61, according to the Ministry of Health. Ministry officials attributed the outbreak to floodwater contaminating wells.

## Land

The Sarn, a forest people numbering about 12,000, hold their land under customary tenure. Mayor Oda Fenn of Lisk ordered the clearing of Sarn farmland in May. Classes in Sarn schools must now be taught in Barrowan, the state language. A student, Tomas Reyl, was shot dead near Lisk university in March. Gunmen killed 20 smallholders in Dembo in June.

## Media law challenge

The Bar Association challenged the media law in February, arguing that it violated press freedom and the right to information. On 4 December the Constitutional Court upheld the law by five votes to four. In a dissenting opinion, Justice Carla Mott wrote that the law "silences the press".

## Fishers

In June, a court ordered the Lisk port authority to pay 2 million korun to evicted fishers. The authority appealed in July, and no compensation has been paid.

## Floods

Floods in October affected 12,000 people in the Lisk valley.

## Inquiries

In February, the government established a commission of inquiry into the Lisk valley cholera outbreak; its findings had not been made public by the end of the year.

## Land sales

Families who lost their homes in the Orla Valley demolitions received a one-off payment of 3,000 korun each. In July, the cleared Orla land was sold to the Kell Mining Company.

## Recommendations

The authorities should:

- reopen the investigation into the death of Pero Dahl and tell his family who closed it;
- release Nela Rusk and Ivo Lant.

[^1]: Commission on Missing Persons, annual report, 10 January 2025. The Lisk Legal Centre, which compiled lists from relatives and lawyers, counted 81 cases over the same period.

[^2]: Amnesty International, “They shot them at home”: Killings in Abole village, 2 December 2024.
"""


@pytest.fixture(scope="module")
def barrow(assistant_over):
    return assistant_over("barrow.md", BARROW)


def test_a_rank_before_a_role_names_another_person():
    asked = roles_in("When was the party chair arrested?")
    assert asked == {("", "chair")}
    assert other_holder(asked, "police arrested Ivo Lant, the deputy chair of the Green Union")
    assert not other_holder(asked, "the chair and the deputy chair were both arrested")
    assert other_holder(roles_in("Who is the vice president?"), "the president of the party, Ana Lopes")


@pytest.mark.parametrize("question, kind", [
    ("On what date did prosecutors close the investigation into Pero Dahl's death?", DATE),
    ("Who challenged the closure of the investigation into his death?", PERSON_OR_ORG),
    ("How many deaths in custody?", QUANTITY),
])
def test_the_question_word_decides_before_a_word_about_death(question, kind):
    assert analyse(question).answer_type == kind


def test_an_event_asked_in_a_phrase_is_read_as_the_word_a_report_uses():
    from qa.question import event_words
    assert event_words("When was she found guilty?") == "When was she convicted?"
    assert analyse("When was he let go?").subject == ("released",)
    assert analyse("Who was taken into custody first?").predicate == "detained"


def test_who_is_the_role_asks_for_the_person():
    q = analyse("Who is the vice president of the Green Union?")
    assert q.wants_person and q.identify
    assert analyse("Who is Barrow's Minister of Health?").wants_person
    # "which charges was the man tried on" asks for charges, not for the man
    assert not analyse("On which charges was the man tried at the court acquitted?").wants_person


def test_the_chair_is_not_the_deputy_chair(barrow):
    # The deputy's arrest comes first and shares every other word; the chair is "the party's chair".
    a = barrow.ask("When was the Green Union chair arrested?")
    assert not a.abstained and "14 July" in a.text and "3 May" not in a.text, (a.reason, a.text)


@pytest.mark.parametrize("question, expected", [
    ("Who initiated the court case that led to the dissolution of Fairhold?", "Ministry of Justice"),
    ("Who challenged the closure of the investigation into Pero Dahl's death?", "Aron Dahl"),
    ("Who contested the judge's September decision to release Ivo Lant?", "prosecutor"),  # "was appealed by"
    ("What reason did the authorities give for shutting the private schools?", "lacked proper licences"),
    ("On what date did prosecutors close the investigation into Pero Dahl's death?", "30 July"),
    ("How much water did families in the Lisk valley get?", "15 litres"),
    ("How much was the water company fined?", "40,000 korun"),  # a currency no list knows
    ("How much advance notice must be given before an eviction?", "90 days"),  # "notice", not "advance"
    ("How old was the woman whose arm was broken in the Orla Valley demolitions?", "71"),  # a valley is no one
    ("How many homes were forcibly demolished in the Orla Valley?", "200"),  # "forcibly" is not the verb
    ("How many websites had the media regulator blocked by December?", "37"),  # five words before the noun
    ("Why did the information minister say the websites had to be blocked?", "to protect citizens"),
    ("In which month was the economist Sara Veld found guilty?", "September"),  # "found guilty" = "convicted"
    ("What did the army say about the men killed in Abole?", "rebel fighters"),  # what it said, not the killing
    ("Who was convicted of defamation?", "Sara Veld"),  # "she was convicted…" needs the sentence naming her
    ("Which gendarmerie officer was locked up after writing a book on army abuses?", "Amadou Kone"),  # a rank fills "officer"
    ("How many femicides did Sela document in 2024?", "143"),  # "up from 129 in 2023" is the other figure
    ("How many new disappearance cases did the commission register in 2023?", "58"),  # "compared with 58 in 2023"
    ("How old was Viktor Hale at the time of the alleged offence?", "17"),
    ("how many ppl were injured in the Orla Valley demolitions", "Nine"),  # chat shorthand
    ("How did the health ministry explain the cholera outbreak in the Lisk valley?", "floodwater"),  # a cause, not a source
    ("How did the interior minister defend the police's handling of the Ostra protests?", "acted proportionately"),
    ("What did the Constitutional Court decide about Fairhold?", "upheld the dissolution"),
    ("How many of the 312 people detained after the May protests were charged?", "40"),
    ("How many disappearance cases did the Lisk Legal Centre count, as opposed to the commission?", "81"),  # a note
    ("How many people were hurt in the Orla Valley demolitions?", "Nine"),  # hurt = injured
    ("Was Viktor Hale's death sentence ever commuted?", "commuted"),
    ("When was Emil Dahl let go?", "June"),  # "let go" = released
    ("Which report is cited as the source for the commission's disappearance figures?", "annual report"),  # the note
    ("How many households were evicted in Lisk province in 2023?", "80"),  # a table row, counted by the sentence before
    ("who heads the water agency", "Celia Marnoto"),  # the sentence naming its director, not its figures
    ("Which judge found the water company negligent?", "Hana Okonde"),  # a Justice is a judge
    ("What language must classes in Sarn schools be taught in?", "Barrowan"),
    ("Which party does Ivo Lant belong to?", "Green Union"),  # a union is the party the question means
    ("How much warning must be given before an eviction?", "90 days"),  # warning ~ notice
    ("How many smallholder farmers were killed in Dembo?", "20"),  # "20 smallholders"
    ("what day were the arrested protesters remanded in custody?", "24 August"),  # remanded is dated, not arrested
    ("and when did they let Emil Dahl out?", "June"),  # let out = released
    ("Which judge found the Lisk-area water company negligent?", "Hana Okonde"),  # "Lisk-area" names Lisk
    ("When were 100 of the arrested protesters remanded in custody?", "24 August"),  # a count names no event
    ("who provided the figures on cholera infections in the Lisk valley?", "Ministry of Health"),  # "according to"
    ("What offence were the 40 detainees accused of?", "rioting"),  # accused = charged
    ("Which NGOs were dissolved by the Supreme Court?", "Fairhold"),  # a plural acronym is a common noun
    ("how much compensaton did each family in the Orla Valley get?", "3,000 korun"),  # a sum, not a count
    ("Who bought the cleared land in the Orla Valley?", "Kell Mining Company"),  # sold to = bought
    ("When does the foreign funding act take effect?", "1 March 2025"),  # "the act" is the one just named
    ("Has the port authority paid the evicted fishers?", "no compensation has been paid"),  # the no, not just the order
    ("were the charges against the gendarmerie officer who wrote about army abuses ever made public?", "not disclosed"),
    ("when did the commission on missing persons put out its annual report?", "10 January 2025"),  # the note's date
    ("whats the title of amnesty's report on the abole killings", "They shot them at home"),  # a title a note gives
    ("Which judge wrote a dissent when the challenge to the media law was rejected?", "Carla Mott"),  # further down
    ("Of what offence was the economist found guilty?", "defamation"),  # the conviction's offence, not the arrest
    ("Who was the teenager who died in the Ostra shooting?", "Lina Serr"),  # a person, not the shooting
])
def test_answers_worded_other_ways_are_found(barrow, question, expected):
    a = barrow.ask(question)
    assert not a.abstained and expected in a.text, (a.reason, a.text)


@pytest.mark.parametrize("question", [
    "When did the media law take effect?",  # only its adoption is dated
    "What is the name of the confederation Barrow formed in August?",  # formed, never named
    "What is the economic confederation of Barrow, Ostra and Lisk called?",
    "On what date did the 2019 peace accord collapse?",  # collapsed, on no day given
    "Which judge presided over Nela Rusk's trial at Ostra City Court?",  # a court, no judge
    "How many calls did the national helpline receive in 2024?",  # the figure is 2023's
    "How many women died from unsafe abortions in 2024?",  # "since 2021" is not 2024
    "How many people were killed in the Orla Valley demolitions?",  # injured, not killed
    "was amadou kone ever released after his arrest in april",  # arrested, never said released
    "How many schools were closed in Lisk province in 2023?",  # the table counts evictions
    "What did Mira Holt's commission conclude about the Abole killings?",  # submitted, never made public
    "How many of the 23 union members received the maximum 15-year sentence?",  # the range is no count
    "How many of the 120 protesters arrested at the port of Lisk were eventually charged?",  # arrests only
    "What is the name of the Prosecutor General who closed the inquiry into the Abole killings?",  # an office only
    "What was voter turnout in Barrow's 2014 presidential election?",  # 2024's and 2019's only
    "What language do the Vell people speak?",  # their numbers and land, no language
    "What subject was Tomas Reyl studying when he was shot?",  # a student of no subject: "when" opens a clause
    "What did the government's commission of inquiry into the Lisk valley cholera outbreak conclude?",  # not published
    "How many children were among the people injured in the Orla Valley demolitions?",  # nine people, no children
    "how many of the people affected by the October floods were children",  # the whole, not the part
    "How many women did shelters take in during the whole of 2024?",  # the first six months only
    "How many women were affected by the October floods in the Lisk valley?",  # 12,000 people, not women
    "What is the name of the shift supervisor who ignored the warnings about the roof?",  # nobody named
])
def test_what_a_passage_leaves_unsaid_is_not_invented(barrow, question):
    a = barrow.ask(question)
    assert a.abstained, (a.reason, a.text)


def test_a_recommendation_is_not_quoted_as_the_fact(barrow):
    # "reopen the investigation into the death of Pero Dahl" shares every word of the question.
    a = barrow.ask("Who challenged the closure of the investigation into Pero Dahl's death?")
    assert not a.abstained and all("Recommendations" not in c.section for c in a.citations), a.text
    a = barrow.ask("What does the report recommend about the investigation into Pero Dahl's death?")
    assert not a.abstained and "reopen" in a.text, (a.reason, a.text)



def test_them_counted_in_a_follow_up_is_whoever_the_conversation_means(barrow):
    history = [{"role": "user", "content": "How many protesters were arrested at the port of Lisk?"},
               {"role": "assistant", "content": "Police arrested 120 protesters at the port of Lisk in August."}]
    a = barrow.ask("how many of them were remanded later", history)  # "remanded" is what happened, not who
    assert not a.abstained and "100" in a.text, (a.reason, a.text)


DISTRICTS = """# Basin arrests 2024

## Arrests of protesters

Police arrested protesters at road blockades and marches across the basin from May.

**Table 1: Arrests of protesters by district and month, May–July 2024**

| District | May | June | July |
|---|---|---|---|
| Kettle | 14 | 22 | 31 |
| Oska | 3 | 11 | 44 |

July saw the most arrests, with 75 across the basin, following the Oska events described below. At Oska central police station, 40 people were held in a cell built for 12.
"""


@pytest.fixture(scope="module")
def districts(assistant_over):
    return assistant_over("districts.md", DISTRICTS)


def test_a_table_row_the_question_names_answers_what_the_prose_does_not(districts):
    a = districts.ask("how many arrests were there in oska in july")
    assert not a.abstained and "July 44" in a.text, (a.reason, a.text)
    # a month the table has no column for is not answered by the row
    b = districts.ask("How many people were arrested in Kettle in September?")
    assert b.abstained, (b.reason, b.text)
