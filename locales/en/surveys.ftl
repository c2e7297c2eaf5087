## Questionnaires: answering

command-survey = Questionnaires
command-surveys = Programme questionnaires (curator)

survey-choose = Questionnaires waiting for your answers:
survey-none = No questionnaires are waiting for you now.
survey-btn-menu = « Menu
survey-btn-next = Done →
survey-btn-submit = ✅ Submit
survey-btn-restart = ✏️ Change answers
survey-btn-back = ← Back
survey-btn-skip = Skip →
survey-btn-later = ⏸ Continue later
survey-counter = Question { $number } / { $total }
survey-multi-hint = <i>Choose one or more, then «Done».</i>
survey-text-hint = <i>Answer with a message.</i>
survey-scale-hint = <i>Choose a number from 1 to { $max } (or type it).</i>
survey-optional = <i>You may skip this question.</i>
survey-your-answer = Chosen now: { $answer }
survey-scale-answer = { $value } of { $max }
survey-yes = Yes
survey-no = No
survey-plain = { $text }
survey-skipped = —
survey-summary = Is everything right? Check before you submit:
survey-summary-line = { $number }. { $question } — <b>{ $answer }</b>
survey-already-submitted = This questionnaire has been submitted. Thank you!
survey-closed-text = This questionnaire's deadline has passed.
survey-thanks = Thank you! Your answers are submitted and can no longer be changed.
survey-saved-for-later = Your answers are saved. Continue with /survey.

error-survey-launch = This questionnaire cannot be launched.
error-survey-deadline-past = The deadline cannot be in the past.
error-survey-closed = This questionnaire's deadline has passed.
error-survey-submitted = The questionnaire is submitted: the answers cannot be changed.
error-survey-stale = That button belongs to another question. Answer below the latest message.
error-survey-use-buttons = Please answer with a button below the question.
error-survey-choose-one = Choose at least one option.
error-survey-required = This question needs an answer: it cannot be skipped.
error-survey-unanswered = A question is still unanswered — it is on the screen.
error-survey-scale = A number from 1 to { $max }, please: a button or a digit.
error-survey-text-empty = Please answer with text, in one message.
error-survey-text-long = That answer is too long ({ $length } characters): up to { $max }.

## Notifications to participants (rendered at send time)

survey-invite-message = 📝 A new questionnaire: { $wave ->
        [entry] at the start
        [intermediate] intermediate
        [exit] final
       *[pulse] a quick check
    }. Please answer by { $deadline }. Start: /survey
survey-reminder-message = ⏰ Reminder: a questionnaire is waiting for your answers until { $deadline }. Continue: /survey

## /surveys for the curator

surveys-choose-programme = Questionnaires: choose a programme.
surveys-no-programmes = A programme's curator launches questionnaires. You are not a curator of any programme.
surveys-no-programmes-admin = No school has a programme yet. Create one in /programmes, then launch questionnaires here.
surveys-programme = <b>{ $name }</b>
surveys-pulse-on = Pulse check: on (day { $first }, then every { $every } days).
surveys-pulse-off = Pulse check: off (when switched on: day { $first }, then every { $every } days).
surveys-btn-pulse-timing = 🗓 When the pulse runs
surveys-pulse-timing = <b>When the pulse runs</b>
    Now: first on day { $first } of the programme, then every { $every } days.{ $on ->
        [yes] {""}
       *[no] {" "}The pulse is off; the timing is kept until it is switched on.
    }
    Top row: the day of the first pulse; bottom row: how often it repeats.
surveys-btn-pulse-first = day { $days }
surveys-btn-pulse-every = every { $days } days
surveys-pulse-timing-set = Pulse: day { $first }, then every { $every } days.
error-survey-pulse-timing = That timing cannot be chosen: use a button.
surveys-waves = Questionnaires (answered / invited):
surveys-no-waves = No questionnaires yet.
surveys-wave-line = • { $kind }, until { $deadline }: { $submitted } / { $invited }
surveys-kind-entry = Entry
surveys-kind-intermediate = Intermediate
surveys-kind-exit = Exit
surveys-kind-pulse = Pulse
surveys-btn-launch = ➕ Launch a questionnaire
surveys-btn-results = 📊 Results: entry → exit
surveys-btn-pulse-on = 🔁 Switch the pulse on
surveys-btn-pulse-off = ⏹ Switch the pulse off
surveys-pulse-switched-on = The pulse is on.
surveys-pulse-switched-off = The pulse is off.
surveys-launch-choose = Which questionnaire?
surveys-launch-entry = Entry (mentors and mentees)
surveys-launch-intermediate = Intermediate (participants)
surveys-launch-exit = Exit (participants)
surveys-launch-pulse = Pulse now (participants)
surveys-launch-conditions = Programme conditions (curators)
surveys-launch-swot = SWOT (curators)
surveys-deadline-choose = Deadline: choose a button or type a date (DD.MM.YYYY).
surveys-btn-days = { $days } days — until { $date }
surveys-deadline-format = Type the date like 25.11.2026 or choose a deadline button.
surveys-launched = The questionnaire is launched: { $count } invited. Each gets a message with a start button in their language.
surveys-wave-head = <b>{ $kind }</b>, deadline { $deadline }. Answered: { $submitted } of { $invited }.
surveys-closed = The deadline has passed: who did not answer shows as missing, never as zero.
surveys-person-line = { $icon } { $name } ({ $role }) — { $status }
surveys-no-name = no name
surveys-more = …and { $count } more
surveys-role-mentor = mentor
surveys-role-mentee = mentee
surveys-role-curator = curator
surveys-status-submitted = answered
surveys-status-started = answering
surveys-status-not-started = not started
surveys-status-missing = missing
surveys-btn-remind = 🔔 Remind those missing
surveys-reminded = Reminders sent: { $count }.
surveys-results-head = <b>Questionnaire results: { $name }</b>
surveys-completion-line = • { $kind }: { $submitted } of { $invited } answered ({ $rate }%){ $missing ->
    [0] {""}
   *[other] , missing: { $missing }
}
surveys-index = Satisfaction index (0–100): entry { $entry }, exit { $exit }
surveys-items-head = Means per item (entry → exit, change):
surveys-item-line = • { $question } ({ $role }): { $entry } → { $exit } ({ $change })
surveys-btn-xlsx = 📄 XLSX file
surveys-btn-chart = 📈 Chart
surveys-xlsx-caption = Questionnaires: answers and comparison — { $name }
surveys-chart-caption = Entry and exit: means per item — { $name }
surveys-xlsx-sheet-items = Comparison
surveys-xlsx-sheet-people = Participants
surveys-xlsx-sheet-completion = Completion
surveys-xlsx-sheet-raw = Answers
surveys-xlsx-role = Role
surveys-xlsx-item = Item
surveys-xlsx-question = Question
surveys-xlsx-question-exit = Question in the exit questionnaire
surveys-xlsx-entry-n = Answers at entry
surveys-xlsx-entry-mean = Mean at entry
surveys-xlsx-exit-n = Answers at exit
surveys-xlsx-exit-mean = Mean at exit
surveys-xlsx-change = Change
surveys-xlsx-entry-dist = Distribution at entry
surveys-xlsx-exit-dist = Distribution at exit
surveys-xlsx-index-entry = Satisfaction index at entry
surveys-xlsx-index-exit = Satisfaction index at exit
surveys-xlsx-name = Participant
surveys-xlsx-entry = Entry
surveys-xlsx-exit = Exit
surveys-xlsx-wave = Questionnaire
surveys-xlsx-deadline = Deadline
surveys-xlsx-invited = Invited
surveys-xlsx-submitted = Answered
surveys-xlsx-missing = Missing
surveys-xlsx-rate = Completion, %
surveys-xlsx-answer = Answer
surveys-xlsx-submitted-at = Submitted (school time)
surveys-chart-role-mentee = Mentees
surveys-chart-role-mentor = Mentors
surveys-chart-title = { $role }: entry → exit
surveys-chart-title-page = { $role }: entry → exit ({ $page } of { $pages })
surveys-xlsx-yes = yes
surveys-xlsx-no = no

menu-surveys = 📝 Questionnaires waiting: { $open_surveys }
staff-menu-surveys = 📋 Programme questionnaires

surveys-scope-choose = Who gets the questionnaire?
surveys-btn-whole = 👥 The whole programme
surveys-btn-pairs = 🔗 Choose pairs
surveys-pairs-choose = Tick the pairs (mentor — mentees), then «Done».
error-survey-pairs = Tick at least one pair of this programme.
