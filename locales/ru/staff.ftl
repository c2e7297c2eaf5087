## Сотрудники: администратор (организации) и куратор (программы, участники).
## Подставляемые названия и имена экранирует вызывающий код.

# Главное меню.
staff-menu-organisations = 🏫 Организации
staff-menu-programmes = 📋 Программы
staff-menu-participants = 👥 Участники

# Роли.
staff-role-coordinator = координатор
staff-role-curator = куратор
staff-role-mentor = наставник
staff-role-mentee = наставляемый

# Организации (администратор).
staff-org-list =
    <b>Организации</b>
    { $count ->
        [0] Пока нет ни одной организации. Создайте муниципалитет или школу.
       *[other] Выберите организацию или создайте новую.
    }
staff-org-add-municipality = ➕ Муниципалитет
staff-org-add-school = ➕ Школа
staff-org-parent-prompt = <b>Новая школа</b>
    К какому муниципалитету она относится?
staff-org-no-parent = Без муниципалитета
staff-org-name-prompt-municipality = <b>Новый муниципалитет</b>
    Напишите его название, например: «Городской округ Тверь».
staff-org-name-prompt-school = <b>Новая школа</b>
    Напишите её название, например: «МБОУ СОШ № 5 г. Твери».
staff-org-timezone-prompt = Выберите часовой пояс для «{ $name }»: по нему бот назначает время напоминаний.
staff-org-created = Организация создана
staff-org-kind-municipality = 🏛 Муниципалитет
staff-org-kind-school = 🏫 Школа
staff-org-kind-region = Регион
staff-org-view =
    <b>{ $name }</b>
    { $kind }
    Часовой пояс: { $timezone }
staff-org-parent = Муниципалитет: { $parent }
staff-org-invite-coordinator = Пригласить координатора
staff-org-invite-curator = Пригласить куратора

# Часовые пояса России.
staff-tz-option = { $city } (UTC{ $offset })
staff-tz-europe-kaliningrad = Калининград
staff-tz-europe-moscow = Москва
staff-tz-europe-samara = Самара
staff-tz-asia-yekaterinburg = Екатеринбург
staff-tz-asia-omsk = Омск
staff-tz-asia-novosibirsk = Новосибирск
staff-tz-asia-krasnoyarsk = Красноярск
staff-tz-asia-irkutsk = Иркутск
staff-tz-asia-yakutsk = Якутск
staff-tz-asia-vladivostok = Владивосток
staff-tz-asia-magadan = Магадан
staff-tz-asia-kamchatka = П.-Камчатский

# Ссылки-приглашения.
staff-invite-ready =
    <b>Ссылка-приглашение готова</b>
    Роль: { $role }
    Куда: { $place }
    { $uses ->
        [1] Ссылка личная: по ней присоединится один человек.
       *[other] Ссылка общая: по ней могут присоединиться до { $uses } человек.
    }
    Действует до { $expires }.

    { $link }

    Я прислал ссылку и отдельным сообщением выше: перешлите его тому, кого приглашаете (удержите палец на сообщении → «Переслать»).
staff-invite-message =
    Приглашение в программу наставничества: { $place }
    Роль: { $role }
    Чтобы присоединиться, откройте ссылку (действует до { $expires }):
    { $link }
staff-invite-place-programme = программа «{ $programme }», { $school }
staff-invite-uses-prompt = Какую ссылку сделать для роли «{ $role }»?
staff-invite-single = Личная ссылка (1 человек)
staff-invite-group = Общая ссылка (до { $uses } человек)

# Программы (куратор).
staff-prog-school-prompt = Выберите школу:
staff-prog-list =
    <b>Программы наставничества</b>
    { $school }
    { $count ->
        [0] Программ пока нет. Создайте первую.
       *[other] Выберите программу:
    }
staff-prog-add = ➕ Новая программа
staff-prog-name-prompt = <b>Новая программа</b>
    Напишите её название, например: «Учитель — учитель, 2026/27».
staff-prog-form-prompt = Выберите форму наставничества для «{ $name }»:
staff-prog-period-prompt = Выберите срок программы «{ $name }»:
staff-prog-period-academic = Этот учебный год ({ $start }–{ $end })
staff-prog-period-calendar = Календарный год { $year }
staff-prog-created = Программа создана
staff-prog-view =
    <b>{ $name }</b>
    Форма: { $form }
    Срок: { $start }–{ $end }
    Этап: { $stage }
staff-prog-invite-mentor = Пригласить наставника
staff-prog-invite-mentee = Пригласить наставляемого
staff-prog-import = 📥 Загрузить список
staff-import-prompt =
    <b>Загрузка списка участников</b>
    Пришлите файл Excel (.xlsx) или CSV до 2 МБ. В первой строке — заголовки столбцов:
    • <b>ФИО</b>
    • <b>Роль</b> — «наставник» или «наставляемый»
    • <b>Класс или предмет</b>
    • <b>Категория</b> — как в методологии, например «молодой специалист»
    • <b>Контакты</b> — телефон или почта, для вас

    Для каждой строки я сделаю личную ссылку-приглашение и пришлю файл со ссылками. Имена и контакты из файла не сохраняются.
staff-import-summary =
    { $invites ->
        [0] Приглашения не созданы.
        [one] Создано { $invites } приглашение.
        [few] Создано { $invites } приглашения.
       *[many] Создано { $invites } приглашений.
    }
    { $rejected ->
        [0] Ошибок нет.
        [one] { $rejected } строка с ошибками:
        [few] { $rejected } строки с ошибками:
       *[many] { $rejected } строк с ошибками:
    }
staff-import-error-line = строка { $row }: { $reason }
staff-import-more-errors = …и ещё { $count } — все ошибки на листе «Ошибки».

# Этапы программы (Р-145).
stage-preparation = Подготовка условий
stage-mentee-base = Формирование базы наставляемых
stage-mentor-base = Формирование базы наставников
stage-mentor-training = Отбор и обучение наставников
stage-matching = Формирование пар и групп
stage-working = Работа пар и групп
stage-completion = Завершение программы

# Участники (куратор).
staff-part-list =
    <b>Участники</b> · { $programme }
    { $count ->
        [0] Пока никто не присоединился. Пригласите участников в разделе «Программы».
       *[other] Сначала те, кому нужно внимание.
    }
staff-part-item = { $icon } { $name } — { $role }
staff-part-no-name = (имя ещё не указано)
staff-part-view =
    <b>{ $name }</b>
    Роль: { $role }
    Программа: { $programme }
    Статус: { $status }
    Согласие: { $consent }
staff-part-no-programme = —
staff-consent-complete = ✅ получено
staff-consent-guardian = ⏳ ждём согласия родителя или законного представителя
staff-consent-registering = ✍️ ещё нет: участник регистрируется
staff-part-mark-paper = 📝 Отметить бумажное согласие
staff-part-paper-marked = Бумажное согласие отмечено
staff-part-not-reachable = Согласие отмечено, но участник заблокировал бота и не получит уведомление.

# Ошибки ввода.
error-name-length = Название должно быть от 2 до 200 символов. Напишите его ещё раз.
error-timezone = Такого часового пояса нет. Выберите кнопкой.
error-programme-period = Срок программы указан неверно: конец должен быть позже начала.
error-programme-form = Такой формы наставничества нет. Выберите кнопкой.
error-programme-stage = Такого этапа программы нет.
error-invite-uses = Ссылка может быть на 1–500 человек.
error-invite-role = Для этой роли нельзя сделать приглашение.
error-invite-wrong-organisation = Для этой организации нельзя пригласить человека с такой ролью.
error-organisation-kind = Можно создать только муниципалитет или школу.
error-organisation-parent = Школу можно добавить только в муниципалитет.

# Координатор: сводка в меню и школы по страницам.
staff-coord-total = 🏛 Школ: { $schools } · наставников: { $mentors } · наставляемых: { $mentees }
staff-coord-schools-button = 🏫 Школы муниципалитета
staff-coord-schools-title =
    <b>Школы муниципалитета</b>
    { $count ->
        [0] В муниципалитете пока нет школ.
       *[other] Участники с завершённой регистрацией, без имён:
    }

# Участники: статусы, фильтр по программе, подтверждение бумажного согласия.
staff-part-state-guardian = ⏳ ждёт согласия родителя
staff-part-state-registering = ✍️ регистрируется
staff-part-state-ready = ✅ готов к работе
staff-part-state-invited = ✉️ приглашён, ещё не присоединился
staff-part-count-line = { $state }: { $count }
staff-part-programme-line = «{ $programme }»: ⏳ { $guardian } · ✍️ { $registering } · ✅ { $ready } · ✉️ { $invited }
staff-part-more-programmes = …и ещё программ: { $count } — выберите программу кнопкой ниже.
staff-part-all-programmes = все программы
staff-part-filter = 🔎 Программа: { $programme }
staff-part-filter-prompt = Участников какой программы показать?
staff-part-filter-all = Все программы
staff-part-paper-confirm = Отметить бумажное согласие для { $name }?
staff-part-paper-yes = Да, отметить
staff-part-paper-no = Нет
staff-part-paper-already = Согласие уже отмечено, ничего не изменилось.

staff-category-button = 🏷 Категория наставляемого
staff-category-choose =
    <b>{ $name }</b>
    Категория: { $current }

    Категорию видят только кураторы: сам участник её не выбирает и не видит в боте. Выберите подходящую:
staff-category-none = не указана
staff-category-saved = Категория сохранена
