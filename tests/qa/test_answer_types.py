"""Answer-type helpers, and the month a question names steering which sentence is quoted."""
from __future__ import annotations

import pytest

from qa import Assistant
from qa.answer_types import months_in
from qa.aliases import acronyms
from qa.question import analyse

from asking import answers, refuses


@pytest.mark.parametrize("text, months", [
    ("Which politician was picked up in early July?", {"july"}),
    ("On 5 July, he was arrested.", {"july"}),
    ("Protests began mid-June and ended in August 2024.", {"june", "august"}),
    ("Schools stayed shut between March and April.", {"march", "april"}),
    ("He chaired the June 5th Movement.", set()),  # part of a name, not a date
    ("Officials may resign; May was calm.", set()),  # the verb, and a month with no date context
])
def test_months_named_as_dates(text, months):
    assert months_in(text) == months


TOWN = """# Kanto town report 2024

## Arrests

In March, the police arrested the opposition politician Ana Lopes after a party meeting in Kanto. In July, Marco Diaz was also arrested.

## Water

The main well of Kanto ran dry in August after three months without rain.
"""


def test_the_month_asked_picks_the_sentence_of_that_month(config, tmp_path):
    doc = tmp_path / "kanto.md"
    doc.write_text(TOWN, encoding="utf-8")
    assistant = Assistant(config.with_(document=doc))
    # Every other word of the question points at the March sentence; only the month does not.
    july = assistant.ask("Which opposition politician was arrested in July after the party meeting in Kanto?")
    march = assistant.ask("Which opposition politician was arrested in March after the party meeting in Kanto?")
    assert not july.abstained and not march.abstained
    assert any(c.text.startswith("In July") for c in july.citations) and "Marco Diaz" in july.text
    assert march.citations[0].text.startswith("In March") and "Marco Diaz" not in march.text


COURT = """# Velmora justice report 2024

## Trials

On 4 May, police detained Rosa Ferreira, a former spokesperson of the dissolved Velmora Farmers Union, at her home in Quillon. On 9 May, a judge charged her with “insulting the head of state” for taking part in a banned march in April. She was released on bail in August.

In June, the ICC found Tomas Brandt guilty of pillage in Quillon. He was acquitted of the war crime of torture. In October, the ICC sentenced him to 8 years in prison.

In July, around 20 members of the Velmora Farmers Union (VFU) were detained without charge. Days later, the bodies of 9 of them were found near Quillon.

## Budget

In 2024 the ministry allocated VEL 12 million for new wells in Quillon. A court later fined the building contractor for delays.

## Courts

In June, an investigating judge ordered the release on bail of the detained farmers.

## Workers

About 9% of the complaints filed by farm workers led to an inspection, as the ministry employs only 30 inspectors. Union leader Tobias Renk spoke at the May rally in Quillon, beside Dario Kesk, 29, a shop steward.

## Politics

President Marta Quill won a second term in elections held in April.

## Trade

In March, Velmora left the Economic Community of West African States after a dispute over tariffs on cotton.

## Schools

Forty schools stayed closed in Quillon because of the floods, and teachers went unpaid for months.
"""


@pytest.mark.parametrize("question, kind", [
    ("What accusation was brought against her?", "charge"),
    ("Which charges did the court drop?", "charge"),
    ("What crimes was the economist found guilty of?", "charge"),
    ("What was he charged with?", "charge"),
    ("Why was he charged?", "reason"),
    ("How many charges were filed?", "quantity"),
    ("When was he charged with fraud?", "date"),
    ("What sentence did she receive?", "penalty"),
    ("What was he sentenced to?", "penalty"),
    ("How old is the economist?", "age"),
    ("How large was the fine?", "money"),
])
def test_questions_about_an_offence_want_a_charge(question, kind):
    assert analyse(question).answer_type == kind


def test_initials_of_a_spelled_out_name():
    assert ("ICC", ("International", "Criminal", "Court")) in acronyms("Was the International Criminal Court involved?")
    assert ("OCHA", ("Office", "for", "the", "Coordination", "of", "Humanitarian", "Affairs")) in acronyms(
        "What did the Office for the Coordination of Humanitarian Affairs report?")
    # connectors may count as letters too
    assert ("ECOWAS", ("Economic", "Community", "of", "West", "African", "States")) in acronyms(
        "Mali left the Economic Community of West African States.")
    assert acronyms("Who met Ana Lopes?") == []  # two words: no three-letter initials


@pytest.fixture(scope="module")
def court(assistant_over):
    return assistant_over("velmora.md", COURT)


def test_an_accusation_question_quotes_the_charge_not_the_arrest(court):
    a = court.ask("What accusation was brought against the former union spokesperson for joining a forbidden march?")
    assert not a.abstained and "insulting the head of state" in a.text, a.text
    # Named outright, the charge sentence alone answers: the arrest before it is not quoted.
    a = court.ask("What accusation did the judge bring against Rosa Ferreira?")
    assert [c.text[:9] for c in a.citations] == ["On 9 May,"], a.text


def test_a_court_named_in_full_finds_the_report_that_only_says_icc(court):
    a = court.ask("Of which crime was the man tried at the International Criminal Court acquitted?")
    assert not a.abstained and "torture" in a.text, (a.reason, a.text)
    # The spelled-out name is not "a name the report never mentions".
    assert "does not mention" not in a.text


def test_an_acronym_the_report_only_spells_out_is_found(court):
    a = court.ask("When did Velmora leave ECOWAS?")
    assert not a.abstained and "March" in a.text, (a.reason, a.text)


@pytest.mark.parametrize("question, expected", [
    ("How much did the ministry allocate for wells?", "VEL 12 million"),  # a currency code, not a symbol
    ("Approximately how many VFU members were detained?", "20"),  # the acronym qualifies what is counted
    ("How many bodies were found near Quillon?", "9"),  # "the bodies of 9 of them"
])
def test_figures_worded_unusually_are_answered(court, question, expected):
    answers(court, question, expected)


@pytest.mark.parametrize("question", [
    "How old is Rosa Ferreira?",  # no age anywhere: "a judge charged her" holds no age
    "What sentence did Rosa Ferreira receive?",  # charged and bailed, never sentenced
    "How large was the fine imposed on the building contractor?",  # "fined" with no amount
    "Which investigating judge ordered the release of the farmers?",  # "an investigating judge": named nowhere
])
def test_details_the_report_leaves_out_are_not_invented(court, question):
    refuses(court, question)


def test_a_number_in_the_question_points_at_its_sentence_in_any_language(court):
    # Portuguese: the words match nothing, "8" matches "8 years" (not the June conviction).
    a = court.ask("Em que mês o TPI condenou Tomas Brandt a 8 anos de prisão?")
    assert not a.abstained and "October" in a.text, (a.reason, a.text)


def test_filler_words_are_not_held_against_a_passage():
    from qa.grounding import content_words
    assert content_words("so when did they actually get out of prison?") == ["prison"]


def test_a_question_about_what_is_to_come_is_not_answered_by_the_past(court):
    assert "April" in court.ask("When were the elections held?").text
    a = court.ask("When will the next elections be held?")
    assert a.abstained, (a.reason, a.text)


@pytest.mark.parametrize("question, expected", [
    ("What share of the complaints by farm workers resulted in an inspection?", "9%"),
    ("How old is Dario Kesk?", "29"),
    ("On what exact day in May was Rosa Ferreira detained?", "4 May"),
])
def test_proportions_ages_and_days_are_quoted(court, question, expected):
    answers(court, question, expected)


@pytest.mark.parametrize("question", [
    "How old is union leader Tobias Renk?",  # the age beside him is Dario Kesk's
    "On what exact day in July were the VFU members detained?",  # only "In July"
])
def test_a_fact_about_someone_else_or_only_a_month_is_not_an_answer(court, question):
    refuses(court, question)


def test_names_keep_their_last_letter_and_typos_match_by_letters():
    from qa.refusal import _matches
    assert analyse("How old is Tobias Renk?").names == ("Tobias", "Renk")
    assert analyse("What did Amnesty's statement say?").names == ("Amnesty",)
    assert _matches("chaird", ["chaired", "board"], None, 0.9)  # no model needed for a typo


@pytest.mark.parametrize("sentence, kind, holds", [
    ("only 8% of the complaints led to an inspection", "proportion", True),
    ("one in five families had no latrine", "proportion", True),
    ("1,870 inspections, down from 2,310 in 2023", "proportion", False),  # a year is not a denominator
    ("On 27 May, 80-year-old Boubacar Karamoko Traoré was arrested", "duration", False),  # an age is not a duration
    ("Days later, the bodies were discovered", "duration", True),
    ("found that ORC 64 million was missing", "money", True),
    ("punishable by two years' imprisonment and a fine", "money", False),
    ("President Varga was re-elected for a third term", "proportion", False),  # an ordinal, not a share
    ("a third of the population had no water", "proportion", True),
    ("The authorities attributed his death to heart failure", "reason", True),
    ("the Agency fined the company 2.5 million Morrow dollars", "money", True),
    ("Police said he had fallen in his cell.", "explanation", True),
    ("the court sentenced its editor, Nilufar Karimova, 41, to seven years", "age", True),
    ("He died two weeks after his arrest.", "explanation", False),  # "after" dates; it explains nothing
])
def test_answer_types_in_sentences(sentence, kind, holds):
    from qa.answer_types import has_type
    assert has_type(sentence, kind) is holds


SELK = """# Selk rights report 2024

## Detention

Conditions in Brenn prison were harsh. At least 12 detainees died in custody there during the year. On 3 May, Oskar Lind, a 41-year-old teacher, died in Brenn prison, two weeks after his arrest. Police said he had fallen in his cell.

## Housing

In May, the authorities cleared the Varn harbour district for a new container terminal. Residents were given ten days' notice. Households received compensation of 900 marks (about US$300) each, far below the value of their homes.

## Protests

Police fired rubber bullets at marchers in Orvik; 14 of them lost an eye. In July, tens of thousands of people protested in Tamsen against fuel prices.

Between 2 and 4 August, crowds filled the streets of Orvik and Tamsen to protest against the tax.

## Media

In September, a reporter for Radio Selk was jailed for five years after covering the floods.[^1] Her laptop was seized. In November, the Appeals Court overturned the sentence against her.

On 2 March, journalist Mira Holt, editor of the outlet The Selk Ledger, was arrested in Varn after writing about a minister's land deals.

## Elections

Selk held elections on 3 March.

## Migration

Under Operation Tide, at least 900 people, mostly from Orlan and Vesta, were deported.[^2] Vestan asylum seekers were held at the port.

[^1]: “Selk: Journalist Ida Borg jailed for flood reporting must be freed”, 3 October
[^2]: “Selk: Operation Tide put 200 Orlanian children at risk”, 5 June
"""


@pytest.fixture(scope="module")
def selk(assistant_over):
    return assistant_over("selk.md", SELK)


@pytest.mark.parametrize("question, expected", [
    # a count, not the date, age or span of the sentence about one death
    ("How many people died in custody at Brenn prison?", "12"),
    # a sentence that names no one stays with its paragraph's subject
    ("How much money did families get when the Varn harbour district was cleared for the terminal?", "US$300"),
    ("How many marchers lost their sight?", "14"),  # "14 of them": them = the marchers
    # the name stands only in the title of the report the sentence cites
    ("What is the name of the Radio Selk reporter who was jailed?", "Ida Borg"),
    # three sentences on, the court's sentence is still about her ("against her")
    ("Which court overturned the sentence of the Radio Selk reporter?", "Appeals Court"),
    # what they said, not what happened after the arrest
    ("What explanation did the police give for the teacher's death in Brenn prison?", "fallen in his cell"),
])
def test_counts_sums_and_names_are_found_where_they_stand(selk, question, expected):
    answers(selk, question, expected)


@pytest.mark.parametrize("question", [
    "How many police officers were injured during the fuel protests in Tamsen?",  # people protested; no officer counted
    "What was the name of the student killed in the August protests?",  # only towns are named
    "What was the name of the minister Mira Holt wrote about?",  # "The Selk Ledger" is an outlet
    "What is the name of the party that won the March elections?",  # the report's own country is no answer
    "How many Vestans were deported under Operation Tide?",  # people from two countries; Orlanian children
])
def test_a_count_of_something_else_or_a_place_for_a_person_is_not_an_answer(selk, question):
    refuses(selk, question)


@pytest.mark.parametrize("question, kind, focus, attribute", [
    ("How many police officers were injured?", "quantity", "officers", ""),
    ("How many internally displaced people were there?", "quantity", "displaced", ""),
    ("How many people died?", "quantity", "", ""),  # "people" is any count of people
    ("How much land was taken?", "quantity", "land", ""),
    ("How did officials explain the death of the activist?", "explanation", "", ""),
    ("What official explanation was given for his death?", "explanation", "", ""),
    ("How much did the consortium invest in the port?", "money", "", "invest"),
    ("What was the outcome of the appeal?", "any", "", "appeal"),
])
def test_what_a_question_counts_measures_or_asks_about(question, kind, focus, attribute):
    q = analyse(question)
    assert (q.answer_type, q.focus, q.attribute) == (kind, focus, attribute)


@pytest.mark.parametrize("sentence, names", [
    ("On 11 March, defender Rodrigo Ayala, a Wayuna leader from the Cerro Dorado mine area, was shot in Las Cruces, Alta Veridia province.",
     ["Rodrigo Ayala"]),
    ("Crowds filled the streets of Doravel and Medrin.", []),
    ("Judge Helena Marsk presided over the Special Criminal Court.", ["Helena Marsk"]),
    ("She was charged under the Law against Criminal Organizations.", []),
])
def test_person_names_are_told_from_places_and_bodies(sentence, names):
    from qa.answer_types import person_names
    assert person_names(sentence) == names


def test_during_the_year_is_the_reports_year_not_another(selk):
    assert "12" in selk.ask("How many detainees died in custody at Brenn prison in 2024?").text
    a = selk.ask("How many detainees died in custody at Brenn prison in 2023?")
    assert a.abstained and "2023" in a.reason, (a.reason, a.text)


def test_asking_for_an_overview_adds_no_words_a_passage_must_repeat():
    from qa.grounding import content_words
    assert content_words("Summarize the main human rights concerns Amnesty raises about torture") == [
        "human", "rights", "torture"]
    # without an overview word, "concerns" is a word like any other
    assert "concerns" in content_words("Which concerns about torture did doctors raise?")


PORT = """# Castellane port report 2024

## Refugees

Castellane hosted around 9,000 refugees, most of them from neighbouring Dalmor. Between March and May, at least 400 Dalmoran refugees were returned to Dalmor.

## Courts

In April, the Court of Appeal struck down the vagrancy law. The Attorney General announced an appeal to the Supreme Council.

## Port authority

The Port Authority licenses terminals. Its Director-General, Armand Roussel, said inspections would double.

## Complaints

Complaints to the Labour Inspectorate about unpaid wages rose sharply:

  Year | Complaints received | Complaints resolved
  -----+---------------------+--------------------
  2022 | 1,540               | 512
  2023 | 2,087               | 601

## Workers

HarbourWatch interviewed 212 workers aged between 19 and 57. A cook from Kenya said 300 crowns were deducted from her pay every month.

## Companies

Two employers, Meridian Crewing Ltd and Oriel Staffing, did not reply.

## Politics

President Joseph Okambe won a third term in the August election, with 61% of the vote. Police arrested 312 protesters, most of whom were later released without charge. Jorunn Steinsland was appointed Minister of Justice in March.

## Housing

In January, the City Council demolished more than 3,000 homes in Kibanda. Grace Nderitu, a lawyer who represented the evicted families, received threats.

## Assembly

In May, the Supreme Court struck down the rule requiring notice of protests. The court ruled that the rule imposed a disproportionate restriction on the right to peaceful assembly.
"""


@pytest.fixture(scope="module")
def port(assistant_over):
    return assistant_over("castellane.txt", PORT)


@pytest.mark.parametrize("question, expected", [
    # a table row names its values by column; the paragraph before it says whose figures they are
    ("How many wage complaints did the Labour Inspectorate receive in 2022?", "1,540"),
    ("Who heads the Port Authority?", "Armand Roussel"),  # a Director-General heads it
    ("How old was the youngest worker interviewed?", "19"),  # "aged between 19 and 57"
    ("What did the Kenyan cook say was deducted from her pay?", "300 crowns"),  # Kenyan: from Kenya
    ("How many homes were torn down in Kibanda?", "3,000"),  # a phrasal verb is not checked by its first word
    ("Who was the lawyer acting for the evicted families?", "Grace Nderitu"),  # "acting" is no attribute
    ("Who became justice minister?", "Jorunn Steinsland"),  # "became" says nothing a quote must repeat
    ("Why did the judges throw out the rule requiring notice of protests?", "disproportionate restriction"),
    ("What percentage of the vote did Okambe receive?", "61%"),
])
def test_tables_roles_age_ranges_and_demonyms(port, question, expected):
    answers(port, question, expected)


@pytest.mark.parametrize("question", [
    "How many Castellanian refugees live in Dalmor?",  # refugees from Dalmor live in Castellane
    "Did the Supreme Council uphold the ruling of the Court of Appeal?",  # only an appeal was announced
    "Who is the chief executive of Meridian Crewing Ltd?",  # the company is named, no executive
    "Of the 312 protesters arrested, how many were charged?",  # only the question's own figure
    "What percentage of the vote did Okambe receive in the previous election?",  # only this year's
    "Which opposition party came second in the August election?",  # only who won
])
def test_reversed_relations_unreported_outcomes_and_missing_titles_are_refused(port, question):
    refuses(port, question)
