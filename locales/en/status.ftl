## Where a mentor or a mentee is now and the one next step: /start and the main menu (issue #22)
## $young: yes — the reader is under 18; $role: mentor | mentee; $programme — its name.

status-waiting-pair = { $role ->
    [mentor] 🤝 You are a mentor in «{ $programme }»: the curator is forming pairs — I will write when you have a mentee.
   *[mentee] 🙋 You are in «{ $programme }»: the curator will find you a mentor — I will write when that happens.
}
status-choosing = 🗳 The curator offered you mentors in «{ $programme }». Next: choose one — the «🗳 Choose a mentor» button.
status-chosen = ⏳ You chose a mentor: { $partner }. Next: we wait for the mentor's answer (up to 3 days) — I will write.
status-to-answer = 📨 You were chosen as a mentor: { $partner }. Next: answer under «🤝 My pair».
status-finished = 🏁 The programme «{ $programme }» is finished. Thank you for taking part!
status-questionnaire = 📝 Questionnaires waiting for your answer: { $count }. Next: the «📝 Questionnaires waiting» button.

pairs-next-next-meeting = Next: agree on your next meeting.
pairs-next-meeting-on = Next meeting: { $when } (school time).
pairs-next-completing = The programme is coming to an end. Next: the pair's final meeting.
pairs-next-finished = The pair's work is finished. Thank you!

# «🤝 Моя пара» while a choice is open: the offered mentors.
pairs-mine-candidates = Mentors to choose from: { $names }.
