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
