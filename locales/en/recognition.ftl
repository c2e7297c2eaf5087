## Recognition at the end of a programme

recognition-kind-mentor-of-year = «Mentor of the year»
recognition-kind-best-pair = «Best pair»
recognition-notice-mentor-of-year =
    🏅 <b>Nomination «Mentor of the year»</b> — the programme «{ $programme }» has ended.
    I suggest: <b>{ $name }</b>.
    Meetings held: { $meetings }; mentees' mean meeting rating: { $rating } of 5; mentees' growth from entry to exit: { $growth } (scale 1–10).
    Score: { $score } of 100.
recognition-notice-best-pair =
    🤝 <b>Nomination «Best pair»</b> — the programme «{ $programme }» has ended.
    I suggest: <b>{ $name }</b>.
    Meetings held: { $meetings }; mean meeting rating: { $rating } of 5; growth from entry to exit: { $growth } (scale 1–10).
    Score: { $score } of 100.
recognition-accept-button = ✅ Accept
recognition-ignore-button = Skip
recognition-accepted = 🎉 The nomination { $kind } is accepted. Saved.
recognition-ignored = The nomination { $kind } is skipped.
recognition-already-accepted = The nomination { $kind } was accepted before.
recognition-already-ignored = The nomination { $kind } was skipped before.
