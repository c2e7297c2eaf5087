# Summaries for the curator: one per batch of events, not a message for each.
delivery-school-summary-title = 🆕 News from “{ $school }”
delivery-school-registered =
    { $count ->
        [one] { $count } participant registered
       *[other] { $count } participants registered
    }: { $names }
delivery-school-confirmed =
    { $count ->
        [one] A parent confirmed consent for { $count } participant
       *[other] Parents confirmed consent for { $count } participants
    }: { $names }
delivery-unreachable-summary =
    ⚠️ “{ $school }”: { $count ->
        [one] { $count } participant does not get the bot's messages: they blocked the bot
       *[other] { $count } participants do not get the bot's messages: they blocked the bot
    }: { $names }.
    Ask them to open the bot again and press “Start”.
delivery-more = and { $count } more
delivery-no-name = a participant without a name

# A school's quiet hours: the bot writes to nobody then, and never to a minor.
quiet-hours-button = 🌙 Quiet hours
quiet-hours-current =
    🌙 Quiet hours of “{ $school }”: <b>{ $start }–{ $end }</b> ({ $timezone }).
    The bot does not write to anyone on its own then: messages wait for the morning; never to minors.
    Send the new time as <code>21:00-08:00</code>.
quiet-hours-current-off =
    🌙 Quiet hours of “{ $school }” are off ({ $timezone }). The bot still never writes to minors between 21:00 and 08:00.
    Send the time as <code>21:00-08:00</code>.
quiet-hours-default-button = ↩️ Default (21:00–08:00)
quiet-hours-saved = ✅ Quiet hours saved: { $start }–{ $end }.
error-quiet-hours = Could not read the time. Send it like this: <code>21:00-08:00</code> (start and end, hours and minutes).
